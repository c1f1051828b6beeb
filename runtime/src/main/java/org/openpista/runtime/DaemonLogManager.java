package org.openpista.runtime;

import java.util.logging.LogManager;

/**
 * The log manager of daemon processes (the start script selects it with {@code
 * -Djava.util.logging.manager}). java.util.logging closes every handler from a shutdown hook of its
 * own, which runs alongside the daemon's graceful shutdown on SIGTERM, so that shutdown would go
 * unlogged. This manager ignores the reset coming from that hook; the daemon resets the log itself
 * once it has stopped.
 */
public final class DaemonLogManager extends LogManager {

    @Override
    public void reset() {
        if (Thread.currentThread().getClass().getName().equals("java.util.logging.LogManager$Cleaner")) {
            return;
        }
        super.reset();
    }

    /** Flushes and closes the handlers: the last thing a stopping daemon does. */
    static void closeLog() {
        LogManager.getLogManager().reset();
    }
}
