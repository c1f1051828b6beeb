/**
 * Administration of a running daemon: what the agent is doing now ({@link org.openpista.api.admin.AgentStatus}) and control of the daemon process itself ({@link org.openpista.api.admin.DaemonControl}), and for commands the way to reach it ({@link org.openpista.api.admin.DaemonClient}), to be served by it ({@link org.openpista.api.admin.ServedCommand}) or to become it ({@link org.openpista.api.admin.DaemonLauncher}). The admin shell and status pages read these services; nothing here is needed to answer a message.
 */
@Export
@Version("1.2.0")
package org.openpista.api.admin;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
