package org.openpista.tool.system.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * {@code sleep} processes with a duration nobody else uses, so a test can find them by their
 * command line and prove they are gone. {@link #close()} kills whatever a failed test left.
 */
final class Sleeps implements AutoCloseable {

    private final List<String> markers = new ArrayList<>();

    /** @return a fresh duration such as {@code 300.123456789} to pass to {@code sleep} */
    String marker() {
        String marker = "300." + ThreadLocalRandom.current().nextInt(100_000_000, 1_000_000_000);
        markers.add(marker);
        return marker;
    }

    /** @return the live (not zombie) sleep processes running with this marker */
    static List<ProcessHandle> processes(String marker) {
        // a zombie has no executable any more, so command() is empty and it does not match
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().command().orElse("").endsWith("sleep"))
                .filter(p -> p.info().arguments().map(a -> List.of(a).contains(marker)).orElse(false))
                .filter(ProcessHandle::isAlive)
                .collect(Collectors.toList());
    }

    /** Waits (generously) until a sleep with each marker runs. */
    static void awaitRunning(String... markers) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (String marker : markers) {
            while (processes(marker).isEmpty()) {
                assertThat(System.nanoTime()).as("sleep %s never started", marker).isLessThan(end);
                Thread.sleep(20);
            }
        }
    }

    /** Waits (generously) until no sleep with any of the markers runs, failing otherwise. */
    static void awaitGone(String... markers) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (String marker : markers) {
            while (!processes(marker).isEmpty()) {
                assertThat(System.nanoTime()).as("sleep %s still runs", marker).isLessThan(end);
                Thread.sleep(20);
            }
        }
    }

    @Override
    public void close() {
        for (String marker : markers) {
            processes(marker).forEach(ProcessHandle::destroyForcibly);
        }
    }
}
