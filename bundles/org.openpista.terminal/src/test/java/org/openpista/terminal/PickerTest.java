package org.openpista.terminal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The picker driven by the bytes a terminal sends for the keys, and the numbered list for pipes. */
class PickerTest {

    static final String UP = "\033[A";
    static final String DOWN = "\033[B";
    static final String BACKSPACE = "\177";

    final List<String> models = List.of("gpt-4o", "gpt-4o-mini", "gpt-4.1", "o3-mini");
    final ByteArrayOutputStream screen = new ByteArrayOutputStream();

    Picker<String> picker(String initial) {
        return new Picker<>("Which model?", models, id -> id, id -> id + (id.equals("gpt-4.1") ? "  (default)" : ""), initial);
    }

    String choose(String initial, String keys) throws Exception {
        return picker(initial).choose(new ByteArrayInputStream(keys.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(screen, true, StandardCharsets.UTF_8), 100);
    }

    String numbered(String initial, String answer) throws Exception {
        return picker(initial).byNumber(new BufferedReader(new StringReader(answer)), new PrintStream(screen, true, StandardCharsets.UTF_8));
    }

    String screen() {
        return screen.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theCursorStartsOnTheInitialItemAndTheArrowKeysMoveIt() throws Exception {
        assertThat(choose("gpt-4.1", "\r")).isEqualTo("gpt-4.1");
        assertThat(choose("gpt-4.1", UP + UP + DOWN + "\r")).isEqualTo("gpt-4o-mini");
        assertThat(choose(null, DOWN + DOWN + DOWN + DOWN + DOWN + "\r")).as("stops at the last").isEqualTo("o3-mini");
        assertThat(screen()).contains("> gpt-4.1  (default)").endsWith("Which model? o3-mini\n");
    }

    @Test
    void typingNarrowsTheListByNameOrLine() throws Exception {
        assertThat(choose(null, "mini" + DOWN + "\r")).isEqualTo("o3-mini");
        assertThat(choose(null, "o\r")).as("a name starting with it comes before one containing it").isEqualTo("o3-mini");
        assertThat(choose(null, "gpt-4o\r")).as("the very name first").isEqualTo("gpt-4o");
        assertThat(choose(null, "default\r")).as("found by its line").isEqualTo("gpt-4.1");
        assertThat(choose(null, "zzz" + BACKSPACE.repeat(3) + "4o\r")).isEqualTo("gpt-4o");
        assertThat(screen()).contains("nothing matches \"zzz\"");
    }

    @Test
    void enterOnAnEmptyListChoosesNothingAndEscOrTheEndLeave() throws Exception {
        assertThat(choose(null, "zzz\r\033")).isNull();
        assertThat(choose(null, "\003")).isNull();
        assertThat(choose(null, "")).isNull();
        assertThat(screen()).contains("Which model? (cancelled)");
    }

    @Test
    void aPipeAnswersWithANumberANameOrNothingForTheInitialItem() throws Exception {
        assertThat(numbered(null, "2\n")).isEqualTo("gpt-4o-mini");
        assertThat(numbered(null, "O3-MINI\n")).isEqualTo("o3-mini");
        assertThat(numbered("gpt-4.1", "\n")).isEqualTo("gpt-4.1");
        assertThat(numbered(null, "9\n")).isNull();
        assertThat(numbered(null, "")).as("the end of the input").isNull();
        assertThat(screen()).contains("   3) gpt-4.1  (default)").contains("Number or name [gpt-4.1]: ");
    }

    Picker<String> configured() {
        return new Picker<>("Which model?", models, id -> id, id -> id + "  (fast)", null)
                .withSearchText(id -> id + "\n" + (id.startsWith("gpt") ? "OpenAI" : "reasoning")).withMatchesInListOrder().withoutDefault()
                .withItemsCalled("model");
    }

    String chooseConfigured(String keys) throws Exception {
        return configured().choose(new ByteArrayInputStream(keys.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(screen, true, StandardCharsets.UTF_8), 100);
    }

    @Test
    void searchTextListOrderNoDefaultAndANounChangeWhatTheListDoes() throws Exception {
        PrintStream out = new PrintStream(screen, true, StandardCharsets.UTF_8);

        assertThat(chooseConfigured("reason\r")).as("found by its search text").isEqualTo("o3-mini");
        assertThat(chooseConfigured("fast\r\033")).as("no longer by its line").isNull();
        assertThat(chooseConfigured("o" + BACKSPACE + "o\r")).as("in the list's order, not the best first").isEqualTo("gpt-4o");
        assertThat(configured().byNumber(new BufferedReader(new StringReader("\n")), out)).as("an empty answer chooses nothing").isNull();
        assertThat(configured().byNumber(new BufferedReader(new StringReader("mini\n")), out, typed -> "o3-" + typed))
                .as("a name found by the caller's lookup").isEqualTo("o3-mini");
        assertThat(screen()).contains("no model matches \"fast\"").contains("Number or name: ").doesNotContain("Number or name [");
    }

    @Test
    void noLineOfTheListIsWiderThanTheTerminalSoItRedrawsInPlace() throws Exception {
        Picker<String> picker = new Picker<>("Which model?", models, id -> id, id -> id + " with a line that is far too long for forty columns",
                null);
        picker.choose(new ByteArrayInputStream("\r".getBytes(StandardCharsets.UTF_8)), new PrintStream(screen, true, StandardCharsets.UTF_8),
                40);

        for (String line : screen().replaceAll("\033\\[[0-9;]*[A-Za-z]", "").split("\n")) {
            assertThat(line.codePointCount(0, line.length())).as(line).isLessThan(40);
        }
        assertThat(screen()).contains("…");
    }
}
