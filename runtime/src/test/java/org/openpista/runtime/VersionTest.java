package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class VersionTest {

    @Test
    void theShortcutPrintsWhatPicocliPrints() {
        String shortcut = stdout(() -> assertThat(Main.execute("--version")).isZero());
        String shortOption = stdout(() -> assertThat(Main.execute("-V")).isZero());
        String picocli = stdout(() -> assertThat(Main.commandLine().execute("--version")).isZero());

        assertThat(shortcut).startsWith("openpista ").contains("Java " + System.getProperty("java.version"));
        assertThat(shortOption).isEqualTo(shortcut);
        assertThat(shortcut).isEqualTo(picocli);
    }

    private static String stdout(Runnable action) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setOut(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
