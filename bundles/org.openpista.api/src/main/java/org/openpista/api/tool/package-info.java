/**
 * Tools the model may call. Tools are whiteboard services: register a {@link org.openpista.api.tool.Tool} with the service property {@code tool.name} and the agent offers it to the model from the next turn on.
 */
@Export
@Version("1.2.0")
package org.openpista.api.tool;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
