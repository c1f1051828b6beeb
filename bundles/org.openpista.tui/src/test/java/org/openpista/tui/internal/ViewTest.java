package org.openpista.tui.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.DumbTerminal;
import org.jline.utils.AttributedString;
import org.junit.jupiter.api.Test;

class ViewTest {

    static final View PLAIN = new View(new Styles(false));

    static State chat(int width, int height, Entry... entries) {
        return State.initial(width, height).withSession("tui-1").withScreen(State.Screen.CHAT).withEntries(List.of(entries))
                .withInfo(new State.Info("in-process", "openai", "gpt-4o"));
    }

    static String text(View.Frame frame) {
        StringBuilder text = new StringBuilder();
        frame.lines().forEach(line -> text.append(line).append('\n'));
        return text.toString();
    }

    static void fits(View.Frame frame, int width, int height) {
        assertThat(frame.lines()).hasSize(height);
        for (AttributedString line : frame.lines()) {
            assertThat(Layout.width(line.toString())).as("'%s'", line).isLessThanOrEqualTo(width);
        }
    }

    @Test
    void homeScreenAt80x24() {
        State state = State.initial(80, 24).withInfo(new State.Info("in-process", "openai", "gpt-4o"))
                .withSessions(List.of(new SessionSummary("tui-a", "cli", Instant.now(), 3, "earlier talk", "")));
        View.Frame frame = PLAIN.render(state);
        fits(frame, 80, 24);
        String screen = text(frame);
        assertThat(screen).contains("┌─┐┌─┐┌─┐┌┐┌").contains("Ask anything").contains("openai · gpt-4o · in-process")
                .contains("Recent sessions").contains("earlier talk").contains("Ctrl-C twice quit");
        assertThat(frame.cursorRow()).isPositive();
    }

    @Test
    void theSidebarShowsEveryKeyHintAt80Columns() {
        State state = chat(80, 24).withSessions(List.of(new SessionSummary("tui-a", "cli", Instant.now(), 3, "earlier talk", "")))
                .withOverlay(new Overlay.Sidebar(0, Overlay.Sidebar.Mode.LIST, Input.EMPTY));
        View.Frame frame = PLAIN.render(state);
        fits(frame, 80, 24);
        String screen = text(frame);
        assertThat(screen).contains("Enter load").contains("n new").contains("d delete").contains("r rename").contains("Esc")
                .contains("earlier talk");
        assertThat(Boxes.packed("Enter load · n new · d delete · r rename · Esc", 29))
                .containsExactly("Enter load · n new ·", "d delete · r rename · Esc");
    }

    @Test
    void chatScreenShowsMarkdownToolsAndTheQuestion() {
        State state = chat(80, 40, Entry.user("list files"),
                Entry.toolStarted("system.run", "c1", "{\"command\":\"ls\"}").finished(false, "a.txt\nb.txt"),
                Entry.assistant("# Files\n\n- **a.txt**\n- `b.txt`\n\n| name | size |\n|---|---|\n| a | 1 |\n\n```sh\nls -l\n```"))
                .withApprovals(List.of(new State.Approval("tui-1", "c2", "system.run", "{\"command\":\"rm a.txt\"}",
                        "runs on the host")));
        View.Frame frame = PLAIN.render(state);
        fits(frame, 80, 40);
        String screen = text(frame);
        assertThat(screen).contains("› list files").contains("✓ system.run {\"command\":\"ls\"} → a.txt …")
                .contains("Files").contains("• a.txt").contains("b.txt").contains("name │ size").contains("│ ls -l")
                .contains("Allow this tool call?").contains("system.run {\"command\":\"rm a.txt\"}")
                .contains("runs on the host").contains("y allow").contains("a allow for this session");
        assertThat(screen).doesNotContain("**").doesNotContain("```");
    }

    @Test
    void wideCharactersWrapByColumns() {
        String korean = "안녕하세요 ".repeat(30);
        View.Frame frame = PLAIN.render(chat(80, 24, Entry.assistant(korean)));
        fits(frame, 80, 24);
        assertThat(text(frame)).contains("안녕하세요");
        List<AttributedString> lines = Layout.wrap(new AttributedString("가나다라마바사"), 5);
        assertThat(lines).extracting(AttributedString::toString).containsExactly("가나", "다라", "마바", "사");
    }

    @Test
    void theStreamedAnswerAndTheThinkingIndicator() {
        State state = chat(80, 24, Entry.user("hi")).withTurn(new State.Turn("partial **answer", "answering", 1, 0)).at(1500);
        String screen = text(PLAIN.render(state));
        assertThat(screen).contains("partial").contains("answering…").contains("Esc cancels");
    }

    @Test
    void everyScreenFitsSmallAndWideTerminals() {
        State busy = chat(80, 24, Entry.user("x".repeat(500)), Entry.assistant("y ".repeat(2000)))
                .withTurn(new State.Turn("z", "thinking", 1, 0));
        for (int[] size : new int[][] {{80, 24}, {30, 8}, {200, 60}, {81, 25}}) {
            State sized = busy.withSize(size[0], size[1]);
            fits(PLAIN.render(sized), size[0], size[1]);
            fits(PLAIN.render(sized.withScreen(State.Screen.HOME)), size[0], size[1]);
            fits(PLAIN.render(sized.withOverlay(new Overlay.TextBox("Help", Commands.help(), 0))), size[0], size[1]);
            fits(PLAIN.render(sized.withOverlay(new Overlay.Sidebar(0, Overlay.Sidebar.Mode.LIST, Input.EMPTY))
                    .withSessions(List.of(new SessionSummary("a", "cli", Instant.now(), 1, "p", "")))), size[0], size[1]);
            fits(PLAIN.render(sized.withOverlay(new Overlay.Picker(Overlay.Picker.Purpose.MODEL,
                    List.of(new Choice("m", "m", "p", true)), "", 0, false, ""))), size[0], size[1]);
        }
        fits(PLAIN.render(busy.withSize(20, 5)), 20, 5);
    }

    @Test
    void scrollingStopsAtTheTop() {
        State state = chat(80, 24, Entry.assistant("line\n\n".repeat(100))).withScroll(10_000);
        View.Frame frame = PLAIN.render(state);
        assertThat(frame.scroll()).isLessThan(10_000).isPositive();
        assertThat(text(frame)).contains("↑ " + frame.scroll() + " lines");
    }

    @Test
    void noColorMeansNoColourSequences() throws Exception {
        State state = chat(80, 24, Entry.user("hi"), Entry.assistant("# Title\n\n`code` and [a link](http://x)"),
                Entry.error("bad"));
        try (Terminal terminal = new DumbTerminal("test", "xterm-256color", System.in, System.out, null)) {
            String plain = String.join("\n", new View(new Styles(false)).render(state).lines().stream()
                    .map(line -> line.toAnsi(terminal)).toList());
            String coloured = String.join("\n", new View(new Styles(true)).render(state).lines().stream()
                    .map(line -> line.toAnsi(terminal)).toList());
            assertThat(plain).doesNotContainPattern("\u001b\\[[0-9;]*(3[0-7]|9[0-7]|4[0-7]|38;|48;)[0-9;]*m");
            assertThat(coloured).containsPattern("\u001b\\[[0-9;]*3[0-7][0-9;]*m");
        }
    }

    @Test
    void controlSequencesInAnswersAreShownNotObeyed() {
        String screen = text(PLAIN.render(chat(80, 24, Entry.assistant("evil \u001b]52;c;aGk=\u0007 \u001b[2J done"))));
        assertThat(screen).doesNotContain("\u001b").contains("^[]52;c;aGk=^G").contains("^[[2J");
    }

    @Test
    void theSidebarCoversTheLeftAndLeavesTheRestOfTheScreen() {
        State state = chat(100, 30, Entry.user("hi"), Entry.assistant("x".repeat(40) + " right-of-the-sidebar"))
                .withSessions(List.of(new SessionSummary("s1", "cli", Instant.EPOCH, 2, "hi", null)))
                .withOverlay(new Overlay.Sidebar(0, Overlay.Sidebar.Mode.LIST, Input.EMPTY));
        View.Frame frame = PLAIN.render(state);
        fits(frame, 100, 30);
        String screen = text(frame);
        assertThat(screen).contains("Sessions").contains("s1 · 2 msgs").contains("right-of-the-sidebar").contains("╮")
                .contains("╯");
    }

    @Test
    void theHomeScreenShowsThePaletteUnderItsBox() {
        State state = State.initial(80, 24).withInput(Input.of("/mo"));
        View.Frame frame = PLAIN.render(state);
        fits(frame, 80, 24);
        assertThat(text(frame)).contains("/model list").contains("choose the model").doesNotContain("/help");
    }
}
