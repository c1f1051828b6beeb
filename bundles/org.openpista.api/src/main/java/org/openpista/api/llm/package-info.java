/**
 * Language model providers. An {@link org.openpista.api.llm.LlmProvider} service speaks one vendor's wire protocol; the agent core picks the configured one by its {@code provider.name} service property.
 */
@Export
@Version("1.2.0")
package org.openpista.api.llm;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
