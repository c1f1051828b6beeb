package org.openpista.api.admin;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The daemon process hosting the framework, registered by the launcher of {@code openpista start}
 * (and of single-channel daemons such as {@code openpista web start}). Absent in one-shot commands
 * such as {@code openpista run}.
 */
@ProviderType
public interface DaemonControl {

    /** @return the process id of the daemon */
    long pid();

    /** @return when the daemon was launched */
    Instant startedAt();

    /** @return the home folder the daemon serves */
    Path home();

    /** @return the features (bundle sets) the daemon runs, for example {@code core, daemon} */
    List<String> features();

    /** @return whether the daemon runs attached to a terminal ({@code --foreground}) */
    boolean foreground();

    /**
     * Asks the daemon to shut down gracefully, as SIGTERM does: channels stop accepting, running
     * turns get their grace period, then the framework stops. Returns at once.
     *
     * @param reason a short reason for the log, for example {@code /quit on the terminal}
     */
    void requestStop(String reason);
}
