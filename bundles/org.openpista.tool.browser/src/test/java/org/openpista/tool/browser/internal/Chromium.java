package org.openpista.tool.browser.internal;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** What tests need to know about the real Chromium: whether it is there, and which of its processes run. */
final class Chromium {

    static final Path EXECUTABLE = Path.of("/usr/bin/chromium");

    private Chromium() {}

    /** Skips the test without Chromium, or fails it when CI requires every test to run. */
    static void require() {
        boolean present = Files.isExecutable(EXECUTABLE);
        if (!present && "all".equals(System.getenv("OPENPISTA_IT_REQUIRE"))) {
            fail("OPENPISTA_IT_REQUIRE=all but Chromium is missing: apt-get install chromium");
        }
        assumeTrue(present, "Chromium is not installed (apt-get install chromium); skipping the browser tests");
    }

    /** @return the ids of living processes whose command line names the profile folder */
    static List<Long> processesOf(Path profile) {
        List<Long> found = new ArrayList<>();
        String marker = "--user-data-dir=" + profile;
        try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path entry : proc) {
                try {
                    String cmdline = new String(Files.readAllBytes(entry.resolve("cmdline")), StandardCharsets.UTF_8)
                            .replace('\0', ' ');
                    String stat = Files.readString(entry.resolve("stat"));
                    boolean zombie = stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
                    if (!zombie && cmdline.contains(marker)) {
                        found.add(Long.parseLong(entry.getFileName().toString()));
                    }
                } catch (IOException | RuntimeException e) {
                    // ended while we looked
                }
            }
        } catch (IOException e) {
            throw new AssertionError("cannot read /proc", e);
        }
        return found;
    }

    /**
     * Waits (at most the given time) until these processes ended (a zombie has ended); returns the
     * pids of those still running.
     */
    static List<Long> awaitEnd(List<ProcessHandle> processes, Duration atMost) throws InterruptedException {
        Instant until = Instant.now().plus(atMost);
        while (true) {
            List<Long> running = processes.stream().filter(ProcessHandle::isAlive).map(ProcessHandle::pid)
                    .filter(pid -> !zombie(pid)).toList();
            if (running.isEmpty() || Instant.now().isAfter(until)) {
                return running;
            }
            Thread.sleep(100);
        }
    }

    private static boolean zombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException | RuntimeException e) {
            return true; // gone
        }
    }

    /** Waits (at most the given time) until no process of the profile runs; returns those still running. */
    static List<Long> awaitNoProcessesOf(Path profile, Duration atMost) throws InterruptedException {
        Instant until = Instant.now().plus(atMost);
        List<Long> left = processesOf(profile);
        while (!left.isEmpty() && Instant.now().isBefore(until)) {
            Thread.sleep(50);
            left = processesOf(profile);
        }
        return left;
    }
}
