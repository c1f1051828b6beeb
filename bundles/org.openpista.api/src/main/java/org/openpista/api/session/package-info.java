/**
 * Routing of conversations to sessions: a conversation (a chat, a terminal, a browser tab) talks to one current session at a time, and can start a fresh one or switch back to an older one.
 */
@Export
@Version("1.0.0")
package org.openpista.api.session;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
