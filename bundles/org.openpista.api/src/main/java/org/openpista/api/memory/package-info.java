/**
 * Persistent conversation memory: sessions and their messages, including tool-call metadata.
 */
@Export
@Version("1.0.0")
package org.openpista.api.memory;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
