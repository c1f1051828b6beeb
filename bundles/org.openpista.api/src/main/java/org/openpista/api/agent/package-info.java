/**
 * Extension points of the agent loop itself, such as contributions to the system prompt.
 */
@Export
@Version("1.0.0")
package org.openpista.api.agent;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
