package org.openpista.runtime;

import java.lang.management.ManagementFactory;
import org.slf4j.Logger;

/**
 * Reports how long each start-up phase took, to see where the time of a command goes: on
 * standard error when the system property {@code openpista.phases} is set (the benchmark uses it),
 * else at debug level in the log.
 */
final class Phases {

    private final Logger log;
    private final boolean print = System.getProperty("openpista.phases") != null;
    private long last = System.nanoTime();

    Phases(Logger log) {
        this.log = log;
        if (print || log.isDebugEnabled()) {
            report("JVM and launcher", ManagementFactory.getRuntimeMXBean().getUptime());
        }
    }

    void mark(String phase) {
        long now = System.nanoTime();
        if (print || log.isDebugEnabled()) {
            report(phase, (now - last) / 1_000_000);
        }
        last = now;
    }

    private void report(String phase, long millis) {
        if (print) {
            System.err.printf("phase %-22s %5d ms%n", phase, millis);
        } else {
            log.debug("{} took {} ms", phase, millis);
        }
    }
}
