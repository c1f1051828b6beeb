package org.openpista.runtime;

import java.io.EOFException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.openpista.api.admin.wire.Frames;
import org.openpista.api.admin.wire.Frames.Frame;
import org.openpista.api.approval.ApprovalDecision;
import org.openpista.api.channel.ProgressEvent;
import org.openpista.api.channel.TerminalText;

/**
 * {@code openpista run -e} through the daemon the user started for this home, over its admin socket
 * ({@code HOME/admin.sock}, served by the shell bundle): the command then starts no framework and
 * costs little more than the turn. The daemon runs the turn in the session asked for and streams it
 * back; the answer, tool progress and approval questions are shown here by the same {@link
 * TerminalSink} and {@link TerminalText} as when the command runs the turn itself, with the same
 * exit status. When no daemon answers, or it predates this, or declines (it reads another
 * configuration file, has no usable provider), nothing ran and the command runs the turn itself.
 *
 * <p>The frames are the admin socket's ({@link Frames}, in the API jar on the launcher's class path).
 */
final class DaemonRun {

    /** Returned when the daemon did not take the turn: the command runs it itself. */
    static final int NOT_SERVED = Integer.MIN_VALUE + 5;

    private final Path socket;
    private final TerminalSink sink;
    private final AnswerStream answer;
    private final PrintStream err;
    private final boolean debug;
    private volatile boolean hungUp;

    DaemonRun(Path socket, TerminalSink sink, AnswerStream answer, PrintStream err, boolean debug) {
        this.socket = socket;
        this.sink = sink;
        this.answer = answer;
        this.err = err;
        this.debug = debug;
    }

    /**
     * @param configFile the configuration file the command would read; the daemon declines when it reads another
     * @return the exit status, or {@link #NOT_SERVED} when the turn did not run in the daemon
     */
    int run(Path configFile, String sessionId, String prompt) {
        if (!Files.exists(socket)) {
            return NOT_SERVED;
        }
        SocketChannel channel;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        } catch (IOException | UnsupportedOperationException e) {
            return notServed("no Unix domain sockets: " + e.getMessage());
        }
        try {
            try {
                channel.connect(UnixDomainSocketAddress.of(socket));
            } catch (IOException e) {
                return notServed("nothing answers on " + socket);
            }
            // Ctrl-C closes the connection, and the daemon cancels the turn
            Thread hangUp = new Thread("openpista-hang-up") {
                @Override
                public void run() {
                    hungUp = true;
                    close(channel);
                }
            };
            Runtime.getRuntime().addShutdownHook(hangUp);
            try {
                return converse(channel, configFile, sessionId, prompt);
            } finally {
                removeHook(hangUp);
            }
        } finally {
            close(channel);
        }
    }

    private int converse(SocketChannel channel, Path configFile, String sessionId, String prompt) {
        try {
            Frames.write(channel, Frames.RUN, Frames.fields(configFile.toString(), sessionId, prompt));
        } catch (IOException e) {
            return notServed("the daemon on " + socket + " took no request: " + e.getMessage());
        }
        boolean started = false;
        try {
            while (true) {
                Frame frame = Frames.read(channel, Frames.MAX_ANSWER);
                if (frame == null && !started) {
                    return notServed("the daemon on " + socket + " does not serve runs (it is older than this command)");
                }
                if (frame == null) {
                    throw new EOFException();
                }
                if (!started && frame.type() != Frames.DECLINE && debug) {
                    err.println("openpista: the daemon on " + socket + " runs this turn");
                }
                started = true;
                Integer status = show(channel, sessionId, frame);
                if (status != null) {
                    return status;
                }
            }
        } catch (IOException e) {
            if (hungUp) {
                return 130; // Ctrl-C: the JVM exits with this status anyway
            }
            if (!started) {
                // nothing ran: the daemon's connection broke before it answered
                return notServed("the daemon on " + socket + " did not answer: " + e.getMessage());
            }
            answer.endLine();
            err.println("openpista: the daemon closed the connection before the turn finished (it may be shutting down)");
            return Main.FAILED;
        }
    }

    /** @return the exit status when the frame ends the turn, else {@code null} */
    private Integer show(SocketChannel channel, String sessionId, Frame frame) throws IOException {
            if (frame.type() == Frames.ERR) {
                answer.endLine();
                err.print(TerminalText.safe(new String(frame.payload(), StandardCharsets.UTF_8)));
                err.flush();
                return null;
            }
            List<String> fields = frame.type() == Frames.DECLINE ? List.of() : fields(frame);
            switch (frame.type()) {
                case Frames.DECLINE -> {
                    return notServed("the daemon declined: " + new String(frame.payload(), StandardCharsets.UTF_8));
                }
                case Frames.DELTA -> answer.delta(fields.get(0));
                case Frames.PROGRESS -> progress(sessionId, fields);
                case Frames.ASK -> {
                    answer.endLine();
                    Frames.write(channel, Frames.ANSWER, ask(fields.get(0)).getBytes(StandardCharsets.UTF_8));
                }
                case Frames.REPLY -> {
                    if (fields.get(0).equals("1")) {
                        answer.endLine();
                        err.println("openpista: " + TerminalText.safe(fields.get(1)));
                        return Main.FAILED;
                    }
                    answer.finish(fields.get(1));
                    return 0;
                }
                default -> {
                    // a frame of a newer daemon that this command does not show
                }
            }
        return null;
    }

    private void progress(String sessionId, List<String> fields) {
        ProgressEvent.Kind kind;
        try {
            kind = ProgressEvent.Kind.valueOf(fields.get(0));
        } catch (IllegalArgumentException newer) {
            return;
        }
        if (kind == ProgressEvent.Kind.THINKING) {
            answer.newRound();
            return;
        }
        answer.endLine();
        sink.progress(new ProgressEvent(sessionId, kind, fields.get(1), null, fields.get(2)));
    }

    /** @return the answer to send: {@code y}, {@code n}, {@code a}, or {@code !} and why nobody can answer */
    private String ask(String question) {
        CompletableFuture<ApprovalDecision> decision = sink.ask(question).toCompletableFuture();
        try {
            return switch (decision.get()) {
                case APPROVE -> "y";
                case ALLOW_FOR_SESSION -> "a";
                case REJECT -> "n";
            };
        } catch (ExecutionException e) {
            return "!" + e.getCause().getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "!interrupted";
        }
    }

    private int notServed(String why) {
        if (debug) {
            err.println("openpista: running the turn in this process: " + why);
        }
        return NOT_SERVED;
    }

    /** @return the frame's fields, at least three (fields a frame lacks are empty) */
    static List<String> fields(Frame frame) throws IOException {
        List<String> fields = frame.fields();
        while (fields.size() < 3) {
            fields.add("");
        }
        return fields;
    }

    private static void close(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // going away anyway
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is already exiting (Ctrl-C); the hook closes the connection
        }
    }
}
