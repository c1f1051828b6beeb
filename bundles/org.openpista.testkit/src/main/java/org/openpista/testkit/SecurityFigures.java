package org.openpista.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends a measured figure of a security test (processes reached, milliseconds past a limit) to
 * {@code target/security-figures.txt} of the module under test and prints it, so a run leaves the
 * numbers behind without asserting on timing.
 */
public final class SecurityFigures {

    private SecurityFigures() {}

    /**
     * @param check what was checked, e.g. {@code docker fork bomb}
     * @param figure what was measured
     */
    public static synchronized void record(String check, String figure) {
        String line = check + ": " + figure + System.lineSeparator();
        System.out.print("[figure] " + line);
        try {
            Path file = Path.of("target", "security-figures.txt");
            Files.createDirectories(file.getParent());
            Files.writeString(file, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            // the figure was printed anyway
        }
    }
}
