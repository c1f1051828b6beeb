package org.openpista.shell.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import org.openpista.api.admin.DaemonControl;
import org.openpista.api.admin.wire.Frames;

/**
 * The launcher's commands that only talk to this daemon, served here when the launcher sends them in
 * a {@link Frames#CLI} frame ({@code DaemonCommand}), so they start no framework of their own: {@code
 * openpista shell -c COMMAND} (the Gogo command, as the shell command would send it) and {@code
 * openpista stop [--timeout SECONDS]} (the daemon stops itself; the launcher waits for its process
 * to exit and says what the stop command says). Only the plain forms are served, and only when the
 * command reads this daemon's configuration; anything else (options the command parses otherwise,
 * {@code --help}, another word) is declined, nothing has run, and the launcher runs the command as
 * ever, with its own messages and errors.
 */
final class LauncherCommands {

    /** What a launcher command comes to here. */
    sealed interface Served permits Declined, Gogo, Stop {}

    /** @param why why the launcher runs the command itself (for its debug output) */
    record Declined(String why) implements Served {}

    /** @param commandLine the Gogo command line {@code openpista shell -c} runs */
    record Gogo(String commandLine) implements Served {}

    /**
     * {@code openpista stop}: say {@code before} on standard error, then stop; the launcher waits up
     * to {@code seconds} for the process to exit and says {@code stopped} or {@code late}.
     */
    record Stop(long pid, String before, int seconds, String stopped, String late) implements Served {}

    private LauncherCommands() {}

    /**
     * @param args the command's arguments after the global options
     * @param daemon the daemon this runs in, or {@code null} outside one
     */
    static Served parse(List<String> args, DaemonControl daemon) {
        if (args.size() == 3 && args.get(0).equals("shell") && (args.get(1).equals("-c") || args.get(1).equals("--command"))
                && !args.get(2).startsWith("-")) {
            return new Gogo(args.get(2));
        }
        if (args.size() == 2 && args.get(0).equals("shell") && args.get(1).startsWith("--command=")) {
            return new Gogo(args.get(1).substring("--command=".length()));
        }
        if (!args.isEmpty() && args.get(0).equals("stop")) {
            Optional<Integer> seconds = args.size() == 1 ? Optional.of(60)
                    : args.size() == 3 && args.get(1).equals("--timeout") ? seconds(args.get(2))
                    : args.size() == 2 && args.get(1).startsWith("--timeout=") ? seconds(args.get(1).substring(10))
                    : Optional.empty();
            if (seconds.isEmpty()) {
                return new Declined("'stop' with other arguments");
            }
            return stop(daemon, seconds.get());
        }
        return new Declined("not a command the daemon serves");
    }

    private static Served stop(DaemonControl daemon, int seconds) {
        if (daemon == null) {
            return new Declined("not a daemon");
        }
        long pid = daemon.pid();
        // the stop command goes by the PID file: when it names another process, it is left to say so
        try {
            if (!Files.readString(daemon.home().resolve("openpista.pid")).strip().equals(Long.toString(pid))) {
                return new Declined("the PID file names another process");
            }
        } catch (IOException e) {
            return new Declined("no PID file");
        }
        return new Stop(pid, "openpista: stopping the daemon (PID " + pid + ")...\n", seconds,
                "openpista stopped (PID " + pid + ")\n",
                "openpista: the daemon (PID " + pid + ") did not stop within " + seconds
                        + " s; it may still be finishing turns ('kill -9 " + pid + "' ends it at once)\n");
    }

    private static Optional<Integer> seconds(String value) {
        return value.matches("[0-9]{1,9}") ? Optional.of(Integer.parseInt(value)) : Optional.empty();
    }
}
