/**
 * Token usage summed up for the owner: a channel asks {@link org.openpista.api.usage.UsageSummaries}
 * (registered by the observability feature's usage bundle, which knows the models' prices) to show
 * what {@code openpista usage} prints, for example the web chat's {@code /usage}. When no such
 * service runs, usage is not available.
 */
@Export
@Version("1.0.0")
package org.openpista.api.usage;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
