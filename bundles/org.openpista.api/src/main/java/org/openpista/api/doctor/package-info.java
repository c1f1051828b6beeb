/**
 * {@code openpista doctor}: every bundle may register {@link org.openpista.api.doctor.DoctorCheck}
 * services (a whiteboard) that check what it needs (a reachable Docker daemon, a browser, a free
 * port) and say how to fix what is wrong.
 */
@Export
@Version("1.0.0")
package org.openpista.api.doctor;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
