package org.openpista.runtime;

import java.util.logging.ConsoleHandler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/**
 * Logging of the short client commands that talk to a running daemon ({@code shell}, {@code stop},
 * {@code plugins}, the parent of a background {@code start}): nothing, unless {@code --log-level}
 * asks for standard error. They never write the daemon's log files, which the daemon holds.
 */
final class ClientLogging {

    private ClientLogging() {}

    static void setUp(Main main) {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        if (main.logLevel == null) {
            root.setLevel(Level.OFF);
            return;
        }
        Level level = LogSetup.parse(main.logLevel);
        root.setLevel(level);
        ConsoleHandler console = new ConsoleHandler();
        console.setLevel(level);
        root.addHandler(console);
    }
}
