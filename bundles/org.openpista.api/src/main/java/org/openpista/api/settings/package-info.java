/**
 * How a bundle declares the part of {@code config.toml} it reads, so that the configuration bundle
 * validates, documents and applies it without knowing the bundle: a {@link
 * org.openpista.api.settings.SettingsSection} capability naming the table and the configuration
 * PID, and the PID's metatype ({@code @ObjectClassDefinition}) giving keys, types, ranges,
 * defaults, secrets and descriptions. Both are read from installed bundles, started or not.
 */
@Export
@Version("1.1.0")
package org.openpista.api.settings;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
