package org.openpista.runtime;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code openpista stop}: stops the daemon of this home gracefully (SIGTERM) and waits until it is gone. */
@Command(
        name = "stop",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {
            "Stops the daemon of this home: it stops accepting messages, lets running turns finish within their "
                    + "grace period, closes the database and removes its PID file.",
            "",
            "Exit status: 0 stopped, 1 no daemon was running or it did not stop in time."
        })
final class StopCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "How long to wait for the daemon to exit (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ClientLogging.setUp(main);
        Home home = main.resolveHome();
        Path pidFile = PidFile.of(home);
        PidFile.Status status = PidFile.inspect(pidFile);
        Optional<ProcessHandle> process = status.pid() > 0 ? ProcessHandle.of(status.pid()) : Optional.empty();
        if (status.state() == PidFile.State.ABSENT) {
            err.println("openpista: no daemon is running for " + home.dir());
            return Main.FAILED;
        }
        if (status.state() == PidFile.State.STALE || process.isEmpty()) {
            Files.deleteIfExists(pidFile);
            err.println("openpista: no daemon is running for " + home.dir() + " (removed a stale PID file"
                    + (status.pid() > 0 ? " of PID " + status.pid() : "") + ")");
            return Main.FAILED;
        }
        ProcessHandle daemon = process.get();
        err.println("openpista: stopping the daemon (PID " + daemon.pid() + ")...");
        if (!daemon.destroy()) {
            err.println("openpista: cannot signal PID " + daemon.pid() + " (is it another user's process?)");
            return Main.FAILED;
        }
        try {
            daemon.onExit().get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            err.println("openpista: the daemon (PID " + daemon.pid() + ") did not stop within " + timeoutSeconds
                    + " s; it may still be finishing turns ('kill -9 " + daemon.pid() + "' ends it at once)");
            return Main.FAILED;
        } catch (java.util.concurrent.ExecutionException e) {
            // the process is gone either way
        }
        out.println("openpista stopped (PID " + daemon.pid() + ")");
        return 0;
    }
}
