package org.openpista.runtime;

import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.openpista.api.admin.wire.Frames;
import org.openpista.api.admin.wire.Frames.Frame;

/**
 * A bundle's command that only talks to the running daemon ({@code openpista stop}, {@code
 * openpista shell -c COMMAND}) sent to that daemon over its admin socket before any framework
 * starts, as {@link DaemonRun} does for {@code run -e}. The launcher knows no command: it sends the
 * arguments after the global options in a {@link Frames#CLI} frame, and the daemon (the shell
 * bundle) either declines, and the command runs as ever, or runs it and streams its output and exit
 * status back. Nothing ran when it declines, when no daemon answers (no socket, a stale one) or when
 * the daemon predates the frame and closes the connection without a frame. No lambda and no {@code
 * +} on strings here: their bootstraps are not in the class-data archive (see {@link RunCommand}).
 */
final class DaemonCommand {

    /** Returned when the daemon did not run the command: the launcher runs it itself. */
    static final int NOT_SERVED = DaemonRun.NOT_SERVED;

    /** Exit status when the daemon went away before the command finished (as {@code openpista shell}'s). */
    static final int CONNECTION_LOST = 3;

    private DaemonCommand() {}

    /**
     * @param args the command line, global options included
     * @return the command's exit status, or {@link #NOT_SERVED}
     */
    static int serve(String[] args, PrintStream out, PrintStream err) {
        Path homeOption = null;
        Path configOption = null;
        boolean debug = false;
        int i = 0;
        // only --home, --config and --debug may come first: anything else (--log-level, help) is left to picocli
        while (i < args.length && args[i].startsWith("-")) {
            String arg = args[i];
            if (arg.equals("--debug")) {
                debug = true;
                i++;
                continue;
            }
            int equals = arg.indexOf('=');
            String name = equals > 0 ? arg.substring(0, equals) : arg;
            String value = equals > 0 ? arg.substring(equals + 1) : i + 1 < args.length ? args[++i] : null;
            if (value == null || value.isEmpty() || value.startsWith("-") || value.indexOf('\0') >= 0
                    || name.equals("--home") && homeOption != null || name.equals("--config") && configOption != null) {
                return NOT_SERVED;
            }
            if (name.equals("--home")) {
                homeOption = Path.of(value);
            } else if (name.equals("--config")) {
                configOption = Path.of(value);
            } else {
                return NOT_SERVED;
            }
            i++;
        }
        if (i == args.length || Main.BUILT_IN.contains(args[i])) {
            return NOT_SERVED;
        }
        Home home = Home.resolve(homeOption, configOption, System.getenv());
        List<String> fields = new ArrayList<>();
        fields.add(home.configFile().toString());
        for (int j = i; j < args.length; j++) {
            fields.add(args[j]);
        }
        Path socket = home.dir().resolve("admin.sock");
        Optional<SocketChannel> connected = connect(socket);
        if (connected.isEmpty()) {
            return NOT_SERVED;
        }
        try {
            return converse(connected.get(), fields.toArray(new String[0]), out, err, debug ? err : null, socket);
        } finally {
            close(connected.get());
        }
    }

    /** @return a connection to the daemon of the socket, or empty when none answers there */
    static Optional<SocketChannel> connect(Path socket) {
        if (!Files.exists(socket)) {
            return Optional.empty();
        }
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(socket));
            return Optional.of(channel);
        } catch (IOException | UnsupportedOperationException e) {
            close(channel);
            return Optional.empty();
        }
    }

    /** @param debug where to say whether the daemon runs the command ({@code --debug}), or {@code null} */
    private static int converse(SocketChannel channel, String[] fields, PrintStream out, PrintStream err, PrintStream debug,
            Path socket) {
        boolean started = false;
        try {
            Frames.write(channel, Frames.CLI, Frames.fields(fields));
            while (true) {
                Frame frame = Frames.read(channel, Frames.MAX_ANSWER);
                if (frame == null && !started || frame != null && frame.type() == Frames.DECLINE) {
                    // an older daemon closes the connection on the frame; a newer one may decline
                    if (debug != null) {
                        debug.println("openpista: running the command in this process: ".concat(
                                frame == null ? "the daemon does not serve commands (it is older than this one)" : frame.text()));
                    }
                    return NOT_SERVED;
                }
                if (frame == null) {
                    throw new IOException("closed");
                }
                if (!started && debug != null) {
                    debug.println("openpista: the daemon on ".concat(socket.toString()).concat(" runs this command"));
                }
                started = true;
                if (frame.copyOutput(out, err)) {
                    continue;
                }
                switch (frame.type()) {
                    case Frames.STATUS -> {
                        return Integer.parseInt(frame.text().strip());
                    }
                    case Frames.AWAIT_EXIT -> {
                        return awaitExit(frame.fields(), out, err);
                    }
                    default -> throw new IOException("unexpected frame");
                }
            }
        } catch (IOException | NumberFormatException | IndexOutOfBoundsException e) {
            if (!started) {
                return NOT_SERVED;
            }
            err.println("openpista: the daemon closed the connection before the command finished (it may be shutting down)");
            return CONNECTION_LOST;
        }
    }

    /** Fields: a process id, seconds to wait for it to exit, the text when it did, the text when it did not. */
    private static int awaitExit(List<String> fields, PrintStream out, PrintStream err) {
        Optional<ProcessHandle> process = ProcessHandle.of(Long.parseLong(fields.get(0)));
        try {
            if (process.isPresent()) {
                process.get().onExit().get(Long.parseLong(fields.get(1)), TimeUnit.SECONDS);
            }
        } catch (TimeoutException e) {
            err.print(fields.get(3));
            err.flush();
            return Main.FAILED;
        } catch (ExecutionException e) {
            // the process is gone either way
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CONNECTION_LOST;
        }
        out.print(fields.get(2));
        out.flush();
        return 0;
    }

    private static void close(SocketChannel channel) {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            // going away anyway
        }
    }
}
