package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.testkit.FakeOpenAiServer;
import org.openpista.testkit.FakeReply;

/**
 * The terminal UI's screen on a real terminal (tmux): wide characters (Korean) keep the boxes
 * aligned, a resize redraws for the new size, the sessions sidebar renames and deletes (with its
 * confirmation), {@code NO_COLOR} leaves no colour on the screen, and the terminal's settings
 * ({@code stty -a}) are as before after {@code /quit}, Ctrl-C twice and SIGTERM.
 */
class TuiScreenIT {

    @TempDir
    Path home;

    FakeOpenAiServer fake;

    @BeforeEach
    void setUp() throws Exception {
        TmuxPane.assumeTmux();
        fake = new FakeOpenAiServer();
        Files.writeString(home.resolve("config.toml"), """
                [agent]
                provider = "openai"
                model = "test-model"
                base_url = "%s"
                api_key = "sk-test"
                approval = "auto"
                """.formatted(fake.baseUrl()));
    }

    @AfterEach
    void tearDown() {
        fake.close();
    }

    TmuxPane openpista(int columns, int rows, Map<String, String> env, String args) throws Exception {
        return TmuxPane.start(home, columns, rows, env, DistributionProcess.dist().resolve("bin/openpista") + " " + args);
    }

    /** @return the columns a line takes on a terminal: Hangul and other East Asian wide characters take two */
    static int columns(String line) {
        int width = 0;
        for (int i = 0; i < line.length(); ) {
            int code = line.codePointAt(i);
            i += Character.charCount(code);
            boolean wide = code >= 0x1100 && code <= 0x115F || code >= 0x2E80 && code <= 0xA4CF
                    || code >= 0xAC00 && code <= 0xD7A3 || code >= 0xF900 && code <= 0xFAFF || code >= 0xFF00 && code <= 0xFF60;
            width += wide ? 2 : 1;
        }
        return width;
    }

    /** An SGR sequence that sets a colour (foreground or background); bold, dim and the resets to the default are none. */
    static final String COLOUR = "\033\\[(?:[0-9;]*;)?(?:3[0-7]|9[0-7]|38|4[0-7]|10[0-7]|48)(?:;[0-9;]*)?m";

    static Optional<String> lineWith(String screen, String text) {
        return screen.lines().filter(line -> line.contains(text)).findFirst();
    }

    @Test
    void koreanKeepsTheBoxesAlignedAndAResizeRedrawsForTheNewSize() throws Exception {
        fake.enqueue(FakeReply.text("안녕하세요! 한국어로 답합니다."));
        try (TmuxPane tui = openpista(80, 24, Map.of(), "")) {
            tui.await("Ask anything");
            tui.type("안녕 세계");
            String typed = tui.await("안녕 세계");
            String top = lineWith(typed, "╭").orElseThrow();
            String input = lineWith(typed, "안녕 세계").orElseThrow();
            // the input line's right border stands under the box's right corner: each syllable takes two columns
            assertThat(columns(input.stripTrailing())).as(typed).isEqualTo(columns(top.stripTrailing()));
            int wide = columns(top.stripTrailing());

            tui.resize(60, 20);
            String narrow = tui.await(screen -> {
                Optional<String> box = lineWith(screen, "╭");
                Optional<String> line = lineWith(screen, "안녕 세계");
                return box.isPresent() && line.isPresent() && columns(box.get().stripTrailing()) < wide
                        && columns(line.get().stripTrailing()) == columns(box.get().stripTrailing());
            }, "the input box redrawn narrower, its text still aligned");
            assertThat(columns(lineWith(narrow, "╭").orElseThrow().stripTrailing())).isLessThanOrEqualTo(60);
            assertThat(narrow).contains("openai · test-model");

            tui.keys("Enter");
            String answered = tui.await("한국어로 답합니다");
            assertThat(answered).contains("› 안녕 세계");
            assertThat(fake.lastRequest().body()).contains("안녕 세계");
            tui.type("/quit");
            tui.keys("Enter");
            tui.await("EXIT 0");
        }
    }

    @Test
    void theSidebarRenamesAndDeletesAfterConfirmation() throws Exception {
        fake.enqueue(FakeReply.text("noted"));
        assertThat(DistributionProcess.run(home, Map.of(), "run", "-s", "meeting", "-e", "remember the meeting").exitCode())
                .isZero();
        try (TmuxPane tui = openpista(90, 24, Map.of(), "-s meeting")) {
            tui.await("noted");
            tui.keys("C-s");
            tui.await("n new");
            tui.keys("r");
            tui.keys("C-u");
            tui.type("회의 메모");
            tui.keys("Enter");
            String renamed = tui.await("회의 메모");
            // the sidebar's border stays in its column beside a wide title
            String row = lineWith(renamed, "회의 메모").orElseThrow();
            String header = lineWith(renamed, " Sessions").orElseThrow();
            assertThat(columns(row.substring(0, row.indexOf('│')))).isEqualTo(columns(header.substring(0, header.indexOf('│'))));

            tui.keys("d");
            tui.await("delete it? y yes · n no");
            tui.keys("n");
            tui.await(screen -> !screen.contains("delete it?"), "the question gone after n");
            assertThat(tui.screen()).contains("회의 메모");
            tui.keys("d");
            tui.await("delete it? y yes · n no");
            tui.keys("y");
            tui.await(screen -> !screen.contains("회의 메모"), "the session gone from the sidebar");
            tui.keys("Escape");
            tui.await(screen -> !screen.contains(" Sessions "), "the sidebar closed");
            tui.type("/quit");
            tui.keys("Enter");
            tui.await("EXIT 0");
        }
        // gone from the database: continuing it starts afresh, without the old messages
        fake.enqueue(FakeReply.text("fresh"));
        assertThat(DistributionProcess.run(home, Map.of(), "run", "-s", "meeting", "-e", "again").exitCode()).isZero();
        assertThat(fake.lastRequest().body()).doesNotContain("remember the meeting");
    }

    @Test
    void theTerminalSettingsAreAsBeforeAfterQuitCtrlCAndSigterm() throws Exception {
        Path before = home.resolve("stty.before");
        Path after = home.resolve("stty.after");
        // the whole of stty -a: modes, control characters, and the line speed and discipline JLine alone loses
        String wrapped = "stty -a > " + before + "; " + DistributionProcess.dist().resolve("bin/openpista")
                + "; status=$?; stty -a > " + after + "; (exit $status)";
        try (TmuxPane tui = TmuxPane.start(home, 80, 24, Map.of(), wrapped)) {
            tui.await("Ask anything");
            tui.type("/quit");
            tui.keys("Enter");
            tui.await("EXIT 0");
        }
        assertThat(Files.readString(after)).isEqualTo(Files.readString(before));
        Files.delete(after);
        try (TmuxPane tui = TmuxPane.start(home, 80, 24, Map.of(), wrapped)) {
            tui.await("Ask anything");
            tui.keys("C-c", "C-c");
            tui.await("EXIT 0");
        }
        assertThat(Files.readString(after)).isEqualTo(Files.readString(before));
        Files.delete(after);
        try (TmuxPane tui = TmuxPane.start(home, 80, 24, Map.of(), wrapped)) {
            tui.await("Ask anything");
            // SIGTERM to the JVM: its shutdown hook restores the terminal
            tui.process().descendants().filter(process -> process.info().command().orElse("").endsWith("java"))
                    .forEach(ProcessHandle::destroy);
            String screen = tui.await("EXIT 143");
            assertThat(screen).as("back from the alternate screen").doesNotContain("Ask anything");
        }
        assertThat(Files.readString(after)).isEqualTo(Files.readString(before));
    }

    @Test
    void noColorLeavesNoColourOnTheScreen() throws Exception {
        try (TmuxPane coloured = openpista(80, 24, Map.of(), "")) {
            coloured.await("Ask anything");
            assertThat(coloured.screenWithColours()).containsPattern(COLOUR);
            coloured.keys("C-c", "C-c");
            coloured.await("EXIT 0");
        }
        try (TmuxPane plain = openpista(80, 24, Map.of("NO_COLOR", "1"), "")) {
            plain.await("Ask anything");
            assertThat(plain.screenWithColours()).doesNotContainPattern(COLOUR);
            plain.keys("C-c", "C-c");
            plain.await("EXIT 0");
        }
    }
}
