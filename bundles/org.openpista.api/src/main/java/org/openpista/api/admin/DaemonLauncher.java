package org.openpista.api.admin;

import java.util.Set;
import java.util.concurrent.Callable;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Turns the process of a command into the daemon of its home, for commands that run one channel
 * in the foreground ({@code openpista telegram start}). Registered by the launcher while a
 * {@linkplain org.openpista.api.command.CliCommand command} runs; absent in the daemon itself.
 */
@ProviderType
public interface DaemonLauncher {

    /**
     * Runs the daemon in the foreground until it is stopped (Ctrl-C, SIGTERM, {@code openpista
     * stop}): PID file, the admin socket, plugins, and the channels named (enabled in the
     * configuration or not; the others do not run). Refused when a daemon already runs for the home.
     *
     * @param channels the channel ids to run, at least one
     * @param onReady called once everything runs, before the ready line; a non-zero result stops the
     *     daemon with that exit status (a channel that could not come up, say)
     * @return the exit status: 0 stopped cleanly, 1 could not start, 2 bad configuration
     * @throws Exception when starting fails in a way that has no exit status
     */
    int runDaemon(Set<String> channels, Callable<Integer> onReady) throws Exception;
}
