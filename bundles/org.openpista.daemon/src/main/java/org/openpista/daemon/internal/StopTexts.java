package org.openpista.daemon.internal;

/**
 * What {@code openpista stop} says, one line each (without the line break), whether the command
 * stops the daemon ({@link StopCommand}) or the daemon serves it ({@link ServedStop}).
 */
final class StopTexts {

    /** How long the command waits for the daemon to exit unless {@code --timeout} says otherwise. */
    static final String DEFAULT_SECONDS = "60";

    private StopTexts() {}

    static String stopping(long pid) {
        return "openpista: stopping the daemon (PID " + pid + ")...";
    }

    static String stopped(long pid) {
        return "openpista stopped (PID " + pid + ")";
    }

    static String late(long pid, int seconds) {
        return "openpista: the daemon (PID " + pid + ") did not stop within " + seconds
                + " s; it may still be finishing turns ('kill -9 " + pid + "' ends it at once)";
    }
}
