package org.openpista.shell.internal;

import java.time.Duration;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;

/** How the admin commands show a service's bundle, a duration and a size. */
final class Describe {

    private Describe() {}

    /** @return "symbolic-name version [id]" of the bundle that brings the service, "-" outside a framework */
    static String bundleOf(Object service) {
        Bundle bundle = FrameworkUtil.getBundle(service.getClass());
        return bundle == null ? "-" : bundle.getSymbolicName() + " " + bundle.getVersion() + " [" + bundle.getBundleId() + "]";
    }

    /** @return "42s", "3m 5s" or "2h 10m": as precise as a glance at a status needs */
    static String duration(Duration duration) {
        long seconds = Math.max(0, duration.toSeconds());
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return seconds / 60 + "m " + seconds % 60 + "s";
        }
        return seconds / 3600 + "h " + seconds % 3600 / 60 + "m";
    }

    /** @return whole mebibytes, "12 MB" */
    static String megabytes(long bytes) {
        return bytes / (1024 * 1024) + " MB";
    }
}
