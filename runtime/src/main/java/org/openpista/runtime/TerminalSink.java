package org.openpista.runtime;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;
import org.openpista.api.approval.ApprovalDecision;
import org.openpista.api.approval.ApprovalRequest;
import org.openpista.api.channel.AgentReply;
import org.openpista.api.channel.ProgressEvent;
import org.openpista.api.channel.ReplySink;
import org.openpista.api.channel.TerminalText;

/**
 * The terminal as a channel: shows tool activity on standard error and asks approval questions
 * there, reading the answer from standard input, but only when standard input is a terminal.
 * Without one nobody could answer, so the question is refused with a reason.
 */
final class TerminalSink implements ReplySink {

    private final PrintStream err;
    private final BufferedReader in;
    private final BooleanSupplier interactive;
    private final boolean showProgress;

    /**
     * @param interactive whether standard input is a terminal; asked only when a question comes up,
     *     since finding out costs a process start
     */
    TerminalSink(PrintStream err, BufferedReader in, BooleanSupplier interactive, boolean showProgress) {
        this.err = err;
        this.in = in;
        this.interactive = interactive;
        this.showProgress = showProgress;
    }

    @Override
    public void reply(AgentReply reply) {
        // the command prints the final answer itself, on standard output
    }

    @Override
    public void progress(ProgressEvent event) {
        if (!showProgress) {
            return;
        }
        switch (event.kind()) {
            case TOOL_STARTED -> err.println("» " + TerminalText.safe(event.toolName() + " " + event.detail()));
            case TOOL_FAILED -> err.println("  ✗ " + TerminalText.safe(event.detail()));
            default -> {}
        }
    }

    @Override
    public CompletionStage<ApprovalDecision> requestApproval(ApprovalRequest request) {
        return ask(request.question());
    }

    /**
     * Asks whether a tool call may run, at the terminal (also for a turn the daemon runs, {@link DaemonRun}).
     *
     * @param question the call, as {@link ApprovalRequest#question()} says it: untrusted, made safe here
     */
    synchronized CompletionStage<ApprovalDecision> ask(String question) {
        if (!interactive.getAsBoolean()) {
            return CompletableFuture.failedFuture(new IllegalStateException(
                    "standard input is not a terminal, so nobody can approve it; set approval = \"auto\" under [agent] "
                            + "in config.toml to run tools without asking"));
        }
        err.println();
        err.println("The agent wants to run " + TerminalText.safe(question));
        while (true) {
            err.print("Allow? [y]es / [n]o / [a]lways in this session: ");
            err.flush();
            String answer;
            try {
                answer = in.readLine();
            } catch (IOException e) {
                return CompletableFuture.failedFuture(e);
            }
            if (answer == null) {
                return CompletableFuture.completedFuture(ApprovalDecision.REJECT);
            }
            switch (answer.strip().toLowerCase(Locale.ROOT)) {
                case "y", "yes" -> {
                    return CompletableFuture.completedFuture(ApprovalDecision.APPROVE);
                }
                case "n", "no", "" -> {
                    return CompletableFuture.completedFuture(ApprovalDecision.REJECT);
                }
                case "a", "always" -> {
                    return CompletableFuture.completedFuture(ApprovalDecision.ALLOW_FOR_SESSION);
                }
                default -> err.println("Please answer y, n or a.");
            }
        }
    }
}
