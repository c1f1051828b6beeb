package org.openpista.logging.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class LogsCommandTest {

    static final String LOG = """
            2026-03-10 11:59:59.000 INFO  Main: openpista started
            {"ts":"2026-03-10T12:00:00Z","level":"INFO","logger":"org.openpista.core.X","msg":"turn begins","session":"work","channel":"cli","turn":"t1"}
            {"ts":"2026-03-10T12:00:01Z","level":"DEBUG","logger":"org.openpista.core.X","msg":"details","session":"work"}
            {"ts":"2026-03-10T12:00:02Z","level":"WARN","logger":"org.openpista.core.Y","msg":"other \\u001b[2J session","session":"play"}
            2026-03-10 12:00:03.000 ERROR Tool: it broke
            java.lang.IllegalStateException: boom
            \tat somewhere
            2026-03-10 12:00:04.000 DEBUG Tool: quiet
            \tat hidden
            """;

    @TempDir
    Path dir;

    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    int run(Path log, String... args) {
        CommandLine line = new CommandLine(new LogsCommand(log));
        line.setOut(new PrintWriter(out));
        line.setErr(new PrintWriter(err));
        return line.execute(args);
    }

    @Test
    void levelAndSessionFilterJsonAndTextLinesAlike() throws Exception {
        Path log = Files.writeString(dir.resolve("openpista.0.log"), LOG);

        assertThat(run(log, "--level", "warn")).isZero();
        assertThat(out.toString()).isEqualTo("""
                2026-03-10T12:00:02Z WARN  org.openpista.core.Y [play]: other ^[[2J session
                2026-03-10 12:00:03.000 ERROR Tool: it broke
                java.lang.IllegalStateException: boom
                \tat somewhere
                """);

        out.getBuffer().setLength(0);
        assertThat(run(log, "--session", "work")).isZero();
        assertThat(out.toString()).isEqualTo("""
                2026-03-10T12:00:00Z INFO  org.openpista.core.X [work]: turn begins
                2026-03-10T12:00:01Z DEBUG org.openpista.core.X [work]: details
                """);

        out.getBuffer().setLength(0);
        assertThat(run(log, "-n", "1")).isZero();
        assertThat(out.toString()).isEqualTo("\tat hidden\n");
    }

    @Test
    void followPrintsWhatIsAddedAndStartsOverAfterARotation() throws Exception {
        Path log = Files.writeString(dir.resolve("openpista.0.log"), "2026-03-10 12:00:00.000 INFO  A: before\n");
        LogsCommand command = new LogsCommand(log);
        AtomicInteger rounds = new AtomicInteger();
        PrintWriter writer = new PrintWriter(out);

        command.follow(new LogFilter(null, null), writer, Files.size(log), () -> {
            try {
                switch (rounds.incrementAndGet()) {
                    case 2 -> Files.writeString(log, "2026-03-10 12:00:01.000 INFO  A: added\n2026-03-10 12:00:01.5",
                            StandardOpenOption.APPEND);
                    case 3 -> Files.writeString(log, "00 WARN  A: completed later\n", StandardOpenOption.APPEND);
                    case 4 -> Files.writeString(log, "2026-03-10 12:00:02.000 INFO  A: rotated\n");
                    default -> { }
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return rounds.get() <= 5;
        }, 1);

        assertThat(out.toString()).isEqualTo("""
                2026-03-10 12:00:01.000 INFO  A: added
                2026-03-10 12:00:01.500 WARN  A: completed later
                2026-03-10 12:00:02.000 INFO  A: rotated
                """);
    }

    @Test
    void noLogAndABadLevelAreClearErrors() {
        assertThat(run(dir.resolve("none.log"))).isEqualTo(1);
        assertThat(err.toString()).contains("no log yet at").contains("openpista start");
        assertThat(run(dir.resolve("none.log"), "--level", "loud")).isEqualTo(2);
        assertThat(err.toString()).contains("--level takes trace, debug, info, warn or error, not 'loud'");
    }
}
