package org.openpista.daemon.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import org.openpista.api.admin.DaemonControl;
import org.openpista.api.admin.ServedCommand;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code openpista stop [--timeout SECONDS]} served by the daemon itself: it says it stops, has the
 * launcher wait for its process to exit and then stops ({@link StopCommand} would signal it and wait
 * the same way). Other forms ({@code --help}, other options) and a PID file that names another
 * process are left to {@link StopCommand}.
 */
@Component(property = ServedCommand.NAME + "=stop")
public final class ServedStop implements ServedCommand {

    private final DaemonControl daemon;

    @Activate
    public ServedStop(@Reference DaemonControl daemon) {
        this.daemon = daemon;
    }

    @Override
    public Served serve(List<String> args) {
        Optional<Integer> seconds = args.isEmpty() ? seconds(StopTexts.DEFAULT_SECONDS)
                : args.size() == 2 && args.get(0).equals("--timeout") ? seconds(args.get(1))
                : args.size() == 1 && args.get(0).startsWith("--timeout=") ? seconds(args.get(0).substring(10))
                : Optional.empty();
        if (seconds.isEmpty()) {
            return new Declined("'stop' with other arguments");
        }
        long pid = daemon.pid();
        // the stop command goes by the PID file: when it names another process, it is left to say so
        try {
            if (!Files.readString(PidFile.of(daemon.home())).strip().equals(Long.toString(pid))) {
                return new Declined("the PID file names another process");
            }
        } catch (IOException e) {
            return new Declined("no PID file");
        }
        return new AwaitExit(StopTexts.stopping(pid) + "\n", pid, seconds.get(), StopTexts.stopped(pid) + "\n",
                StopTexts.late(pid, seconds.get()) + "\n", () -> daemon.requestStop("openpista stop"));
    }

    private static Optional<Integer> seconds(String value) {
        return value.matches("[0-9]{1,9}") ? Optional.of(Integer.parseInt(value)) : Optional.empty();
    }
}
