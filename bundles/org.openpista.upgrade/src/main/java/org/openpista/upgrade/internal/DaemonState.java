package org.openpista.upgrade.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Whether a daemon runs for the home: it holds a lock on {@code openpista.pid} for as long as it
 * runs (the daemon bundle's PID file), so a file a crashed daemon left behind does not count.
 */
final class DaemonState {

    private DaemonState() {}

    /** @return the PID of the daemon running for the home, if one runs */
    static Optional<Long> running(Path pidFile) throws IOException {
        try (FileChannel channel = FileChannel.open(pidFile, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock != null) {
                lock.release();
                return Optional.empty();
            }
            String text = Files.readString(pidFile, StandardCharsets.US_ASCII).strip();
            try {
                return Optional.of(Long.parseLong(text));
            } catch (NumberFormatException e) {
                return Optional.of(0L);
            }
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /**
     * Stops the daemon as {@code openpista stop} does (SIGTERM: it finishes gracefully) and waits for it.
     *
     * @return whether it ended within the time
     */
    static boolean stop(long pid, Duration wait) throws InterruptedException {
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty()) {
            return true;
        }
        process.get().destroy();
        try {
            process.get().onExit().get(wait.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return !process.get().isAlive();
        }
    }
}
