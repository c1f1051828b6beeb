package org.openpista.api.admin;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The daemon process hosting the framework, registered by the launcher of {@code openpista start}
 * (and of single-channel daemons such as {@code openpista web start}) once the configuration is
 * loaded, and unregistered first when it stops. Absent in one-shot commands such as {@code
 * openpista run}. Channel components, the cron scheduler and the admin socket hold a mandatory
 * reference to it: that is what makes them run in the daemon only, started after the
 * configuration and stopped before the agent core.
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

    /**
     * Whether a channel runs in this daemon. {@code openpista start} runs every channel enabled in
     * its configuration; a single-channel daemon ({@code openpista telegram start}) runs the channels
     * it names, enabled or not, and no other.
     *
     * @param channel the channel id, such as {@code telegram}
     * @param enabled whether the channel's configuration enables it
     * @return whether the channel should run
     */
    default boolean runsChannel(String channel, boolean enabled) {
        return enabled;
    }

    /**
     * @return whether a terminal is attached that a channel may read: a foreground daemon in the
     *     terminal's foreground process group
     */
    default boolean console() {
        return false;
    }
}
