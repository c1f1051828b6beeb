package org.openpista.daemon.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.openpista.api.command.CliCommand;
import org.openpista.api.config.ConfigurationLoader;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code openpista stop}: stops the daemon of this home gracefully (SIGTERM) and waits until it is gone.
 * A running daemon serves its plain forms itself ({@link ServedStop}), saying the same ({@link StopTexts}).
 */
@Component(service = CliCommand.class, property = CliCommand.NAME + "=stop", scope = ServiceScope.PROTOTYPE)
@Command(name = "stop", mixinStandardHelpOptions = true,
        description = {"Stops the daemon of this home: it stops accepting messages, lets running turns finish within their "
                + "grace period, closes the database and removes its PID file.",
            "",
            "Exit status: 0 stopped, 1 no daemon was running or it did not stop in time."})
public final class StopCommand implements CliCommand, Callable<Integer> {

    private final Path home;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = StopTexts.DEFAULT_SECONDS,
            description = "How long to wait for the daemon to exit (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Activate
    public StopCommand(BundleContext context) {
        this.home = ConfigurationLoader.home(context);
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintStream out = System.out;
        PrintStream err = System.err;
        Path pidFile = PidFile.of(home);
        PidFile.Status status = PidFile.inspect(pidFile);
        Optional<ProcessHandle> process = status.pid() > 0 ? ProcessHandle.of(status.pid()) : Optional.empty();
        if (status.state() == PidFile.State.ABSENT) {
            err.println("openpista: no daemon is running for " + home);
            return 1;
        }
        if (status.state() == PidFile.State.STALE || process.isEmpty()) {
            Files.deleteIfExists(pidFile);
            err.println("openpista: no daemon is running for " + home + " (removed a stale PID file"
                    + (status.pid() > 0 ? " of PID " + status.pid() : "") + ")");
            return 1;
        }
        ProcessHandle daemon = process.get();
        err.println(StopTexts.stopping(daemon.pid()));
        if (!daemon.destroy()) {
            err.println("openpista: cannot signal PID " + daemon.pid() + " (is it another user's process?)");
            return 1;
        }
        try {
            daemon.onExit().get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            err.println(StopTexts.late(daemon.pid(), timeoutSeconds));
            return 1;
        } catch (ExecutionException e) {
            // the process is gone either way
        }
        out.println(StopTexts.stopped(daemon.pid()));
        return 0;
    }
}
