package org.openpista.terminal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The terminal as the tests' forked JVM sees it: standard input is no terminal (a pipe or nothing). */
class TerminalTest {

    @Test
    void withoutATerminalItSaysSoAndTheWidthIsTheUsualEighty() {
        assertThat(Terminal.input()).isFalse();
        assertThat(Terminal.interactive()).isFalse();
        assertThat(Terminal.width()).isEqualTo(80);
    }

    @Test
    void aSecretFromAPipeIsOneLineAfterThePrompt() throws Exception {
        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(screen, true, StandardCharsets.UTF_8);

        assertThat(Terminal.secret("Key: ", new BufferedReader(new StringReader("  sk-123 \nnext\n")), out)).isEqualTo("sk-123");
        assertThat(Terminal.secret("Key: ", new BufferedReader(new StringReader("")), out)).as("the end of the input").isEmpty();
        assertThat(screen.toString(StandardCharsets.UTF_8)).isEqualTo("Key: Key: ");
    }
}
