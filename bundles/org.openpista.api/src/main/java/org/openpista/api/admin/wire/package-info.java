/**
 * The admin socket's wire format ({@link org.openpista.api.admin.wire.Frames}), shared by the daemon that serves {@code HOME/admin.sock} and its clients, the launcher's thin clients among them (which have this package on their class path and nothing of OSGi running). JDK only.
 */
@Export
@Version("1.0.0")
package org.openpista.api.admin.wire;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
