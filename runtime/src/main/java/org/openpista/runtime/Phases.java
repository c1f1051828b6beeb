package org.openpista.runtime;

import java.lang.management.ManagementFactory;
import org.slf4j.Logger;

/**
 * Reports how long each start-up phase took, to see where the time of a command goes: on
 * standard error when the system property {@code openpista.phases} is set (the benchmark uses it),
 * else at debug level in the log. With {@code -Dopenpista.phases=cpu} (or {@code bundles}, which
 * adds {@link BundleTimes}) each phase also gets a line {@code cpu NAME N ms}: the CPU time of the
 * whole process (every thread) during the phase, steadier than wall time on a busy machine, and
 * a line {@code main NAME N ms}: the CPU time of the thread that marks the phases alone.
 */
final class Phases {

    private final Logger log;
    private final String mode = System.getProperty("openpista.phases");
    private final boolean print = mode != null;
    private final boolean cpu = "cpu".equals(mode) || "bundles".equals(mode);
    private long last = System.nanoTime();
    private long lastCpu;
    private long lastMain;

    Phases(Logger log) {
        this.log = log;
        if (print || log.isDebugEnabled()) {
            report("JVM and launcher", ManagementFactory.getRuntimeMXBean().getUptime());
        }
        if (cpu) {
            lastCpu = processCpu();
            lastMain = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            System.err.printf("cpu   %-22s %5d ms%n", "JVM and launcher", lastCpu / 1_000_000);
            System.err.printf("main  %-22s %5d ms%n", "JVM and launcher", lastMain / 1_000_000);
        }
    }

    void mark(String phase) {
        long now = System.nanoTime();
        if (print || log.isDebugEnabled()) {
            report(phase, (now - last) / 1_000_000);
        }
        last = now;
        if (cpu) {
            long used = processCpu();
            long main = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            System.err.printf("cpu   %-22s %5d ms%n", phase, (used - lastCpu) / 1_000_000);
            System.err.printf("main  %-22s %5d ms%n", phase, (main - lastMain) / 1_000_000);
            lastCpu = used;
            lastMain = main;
        }
    }

    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private void report(String phase, long millis) {
        if (print) {
            System.err.printf("phase %-22s %5d ms%n", phase, millis);
        } else {
            log.debug("{} took {} ms", phase, millis);
        }
    }
}
