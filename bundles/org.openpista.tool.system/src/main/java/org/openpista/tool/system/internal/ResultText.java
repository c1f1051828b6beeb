package org.openpista.tool.system.internal;

import java.time.Duration;
import java.util.Locale;
import org.openpista.api.tool.ToolResult;
import org.openpista.tool.system.internal.CommandRunner.Outcome;

/**
 * Turns what a command did into the text the model reads. The first line is the outcome ({@code
 * exit code: N}, marked {@code (non-zero)} when it is, or why the command was stopped), then notes,
 * then {@code stdout:} and {@code stderr:} sections; an empty one reads {@code stdout: (empty)}.
 * A command that ran to its end is a successful result whatever its exit code; a stopped one is an
 * error result.
 */
final class ResultText {

    private ResultText() {}

    /**
     * @param timeout the timeout of the call in seconds
     * @param turnCancelled whether the turn was cancelled (else a cancelled run means shutdown)
     * @return the result the model reads
     */
    static ToolResult of(Outcome outcome, int timeout, boolean turnCancelled) {
        StringBuilder text = new StringBuilder();
        String killed = "the command and every process it started were killed; partial output below";
        switch (outcome.stop()) {
            case EXITED:
                text.append("exit code: ").append(outcome.exitCode());
                if (outcome.exitCode() != 0) {
                    text.append(" (non-zero)");
                }
                break;
            case TIMED_OUT:
                text.append("timed out after ").append(timeout).append(" s: ").append(killed);
                break;
            case DEADLINE:
                text.append("stopped after ").append(seconds(outcome.elapsed()))
                        .append(" s because the turn ran out of time: ").append(killed);
                break;
            case CANCELLED:
                text.append(turnCancelled ? "cancelled after " : "stopped after ")
                        .append(seconds(outcome.elapsed()))
                        .append(turnCancelled
                                ? " s because the turn was cancelled: "
                                : " s because system.run shut down: ")
                        .append(killed);
                break;
        }
        text.append('\n');
        if (outcome.stragglersStopped()) {
            text.append("note: background processes kept stdout/stderr open after the command ended and were stopped;"
                    + " redirect their output (cmd > file 2>&1 &) to keep them running\n");
        }
        if (outcome.outputIncomplete()) {
            text.append("note: a process still holds stdout/stderr open, so the output may be incomplete\n");
        }
        section(text, "stdout", outcome.stdout());
        text.append('\n');
        section(text, "stderr", outcome.stderr());
        String content = text.toString();
        return outcome.stop() == CommandRunner.Stop.EXITED ? ToolResult.ok(content) : ToolResult.error(content);
    }

    private static void section(StringBuilder text, String name, String output) {
        if (output.isEmpty()) {
            text.append(name).append(": (empty)");
            return;
        }
        text.append(name).append(":\n").append(output);
        if (output.endsWith("\n")) {
            text.setLength(text.length() - 1);
        }
    }

    private static String seconds(Duration elapsed) {
        return String.format(Locale.ROOT, "%.1f", elapsed.toMillis() / 1000.0);
    }

}
