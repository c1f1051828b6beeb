/**
 * Persistent conversation memory: sessions and their messages, including tool-call metadata, and
 * the queue of messages waiting for their turn, which outlives a crash and serializes the turns
 * of a session across the processes sharing the store.
 */
@Export
@Version("1.2.0")
package org.openpista.api.memory;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
