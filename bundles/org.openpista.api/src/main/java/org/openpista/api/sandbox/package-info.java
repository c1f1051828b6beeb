/**
 * Sandboxes run untrusted commands or WebAssembly modules with hard limits on time, memory, processes and network.
 */
@Export
@Version("1.3.0")
package org.openpista.api.sandbox;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
