package org.openpista.auth.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openpista.api.auth.AuthMethod;
import org.openpista.api.auth.AuthMode;
import org.openpista.api.auth.ProviderAuthStatus;
import org.openpista.terminal.Picker;

/** The provider picker driven by the bytes a terminal sends for the keys, and the numbered list for pipes. */
class ProviderPickerTest {

    static final String UP = "\033[A";
    static final String DOWN = "\033[B";
    static final String DOWN_APPLICATION_MODE = "\033OB";
    static final String BACKSPACE = "\177";

    final List<ProviderAuthStatus> providers = Catalog.ENTRIES.stream()
            .map(entry -> entry.name().equals("together")
                    ? new ProviderAuthStatus(entry.name(), entry.displayName(), entry.mode(), true, true, AuthMethod.API_KEY, "",
                            null, "credentials.toml")
                    : new ProviderAuthStatus(entry.name(), entry.displayName(), entry.mode(), entry.mode() == AuthMode.NONE, true,
                            null, "", null, ""))
            .toList();
    final ByteArrayOutputStream screen = new ByteArrayOutputStream();

    ProviderAuthStatus choose(String keys) throws Exception {
        Picker<ProviderAuthStatus> picker = ProviderPicker.of(providers, AuthCommand::how);
        return picker.choose(new ByteArrayInputStream(keys.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(screen, true, StandardCharsets.UTF_8), 100);
    }

    String screen() {
        return screen.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theArrowKeysMoveAndEnterChooses() throws Exception {
        assertThat(choose(DOWN + DOWN + DOWN + DOWN + UP + DOWN_APPLICATION_MODE + "\r").name()).isEqualTo("together");
        assertThat(screen()).contains("> openai").contains("> together").endsWith("Log in to which provider? together\n");
    }

    @Test
    void typingNarrowsTheListToWhatMatchesNameOrVendor() throws Exception {
        assertThat(choose("gemini\r").name()).isEqualTo("google");
        assertThat(choose("vercel" + BACKSPACE.repeat(6) + "azure\n").name()).isEqualTo("azure-openai");
        assertThat(choose("o" + DOWN + "\r").name()).as("the second of those containing an o").isEqualTo("anthropic");
    }

    @Test
    void escCtrlCAndTheEndOfInputLeaveWithoutChoosing() throws Exception {
        assertThat(choose("\033")).isNull();
        assertThat(choose("\003")).isNull();
        assertThat(choose("goo")).isNull();
        assertThat(screen()).contains("Log in to which provider? (cancelled)");
    }

    @Test
    void enterOnAnEmptyListWaitsForAnotherSearch() throws Exception {
        assertThat(choose("zzz\r" + BACKSPACE.repeat(3) + "ollama\r").name()).isEqualTo("ollama");
        assertThat(screen()).contains("no provider matches \"zzz\"");
    }

    @Test
    void noLineIsWiderThanTheTerminalSoTheListRedrawsInPlace() throws Exception {
        Picker<ProviderAuthStatus> picker = ProviderPicker.of(providers, AuthCommand::how);
        picker.choose(new ByteArrayInputStream("\r".getBytes(StandardCharsets.UTF_8)),
                new PrintStream(screen, true, StandardCharsets.UTF_8), 40);

        for (String line : screen().replaceAll("\033\\[[0-9;]*[A-Za-z]", "").split("\n")) {
            assertThat(line.codePointCount(0, line.length())).as(line).isLessThan(40);
        }
    }

    @Test
    void eachProviderSaysHowItLogsIn() {
        Picker<ProviderAuthStatus> picker = ProviderPicker.of(providers, AuthCommand::how);

        assertThat(ProviderPicker.label(providers.get(3), AuthCommand::how)).startsWith("github-copilot").contains("GitHub Copilot [device code]");
        assertThat(ProviderPicker.label(providers.get(0), AuthCommand::how)).contains("[browser login or key]");
        assertThat(ProviderPicker.label(providers.get(4), AuthCommand::how)).contains("Together AI [API key]").endsWith("✓ credentials.toml");
        assertThat(ProviderPicker.label(providers.get(7), AuthCommand::how)).contains("[endpoint and key]");
        assertThat(ProviderPicker.label(providers.get(10), AuthCommand::how)).contains("[no login]").endsWith("✓ ready");
    }

    @Test
    void withoutATerminalTheAnswerIsANumberOrAName() throws Exception {
        Picker<ProviderAuthStatus> picker = ProviderPicker.of(providers, AuthCommand::how);
        PrintStream out = new PrintStream(screen, true, StandardCharsets.UTF_8);

        assertThat(picker.byNumber(new BufferedReader(new StringReader("5\n")), out, name -> AuthCommand.find(providers, name))
                .name()).isEqualTo("together");
        assertThat(picker.byNumber(new BufferedReader(new StringReader("copilot\n")), out,
                name -> AuthCommand.find(providers, name)).name()).isEqualTo("github-copilot");
        assertThat(picker.byNumber(new BufferedReader(new StringReader("99\n")), out, name -> AuthCommand.find(providers, name)))
                .isNull();
        assertThat(screen()).contains("Log in to which provider?").containsPattern(" 1\\) openai ").contains("Number or name: ");
    }
}
