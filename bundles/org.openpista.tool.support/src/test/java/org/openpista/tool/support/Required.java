package org.openpista.tool.support;

import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * Tests that need a program from Debian (Xvfb, Tesseract, xclip, dbus-daemon) skip with the reason
 * when it is missing, unless {@code OPENPISTA_IT_REQUIRE=all} (CI), which makes the skip a failure.
 * In this bundle's test jar.
 */
public final class Required {

    private Required() {}

    /** Skips, or fails on CI, unless {@code name} is on PATH. */
    public static void program(String name, String debianPackage) {
        if (ChildProcess.find(name, Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"))) == null) {
            String reason = name + " is needed (Debian: apt install " + debianPackage + "; .ci/run installs it)";
            if ("all".equals(System.getenv("OPENPISTA_IT_REQUIRE"))) {
                throw new AssertionError(reason);
            }
            Assumptions.abort(reason);
        }
    }
}
