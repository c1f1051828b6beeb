/**
 * Loading of {@code config.toml} into Configuration Admin, with errors that name the file, line and key.
 */
@Export
@Version("1.3.0")
package org.openpista.api.config;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
