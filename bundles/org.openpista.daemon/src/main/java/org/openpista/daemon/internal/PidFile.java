package org.openpista.daemon.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * {@code $OPENPISTA_HOME/openpista.pid}: the daemon's process id, and a lock on the file for as long
 * as the daemon runs. The lock, not the file's existence, says whether a daemon is running: the
 * operating system drops it when the process dies however it dies, so a file left behind by a
 * crash is recognised as stale and replaced.
 */
final class PidFile implements AutoCloseable {

    /** What the PID file of a home says. */
    record Status(State state, long pid) {}

    /** Whether a daemon holds the file. */
    enum State {
        /** No file: no daemon. */
        ABSENT,
        /** A file nobody holds: a daemon died without removing it. */
        STALE,
        /** A daemon holds it. */
        RUNNING
    }

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private PidFile(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    static Path of(Path home) {
        return home.resolve("openpista.pid");
    }

    /**
     * Takes the PID file for this process.
     *
     * @return the held file, or {@code null} when another daemon holds it ({@link #inspect} tells its PID)
     */
    static PidFile acquire(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            return null;
        }
        byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(pid), 0);
        channel.force(true);
        return new PidFile(file, channel, lock);
    }

    /** @return whether a daemon holds the file, and its PID */
    static Status inspect(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long pid = readPid(file);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                return new Status(State.RUNNING, ProcessHandle.current().pid());
            }
            if (lock != null) {
                lock.release();
                return new Status(State.STALE, pid);
            }
            // a daemon that just took the lock may not have written its PID yet
            for (int i = 0; i < 20 && pid <= 0; i++) {
                Thread.sleep(50);
                pid = readPid(file);
            }
            return new Status(State.RUNNING, pid);
        } catch (NoSuchFileException e) {
            return new Status(State.ABSENT, 0);
        } catch (IOException e) {
            return new Status(State.ABSENT, 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Status(State.RUNNING, 0);
        }
    }

    private static long readPid(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
            return text.isEmpty() ? 0 : Long.parseLong(text);
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /** Removes the file and lets go of it. */
    @Override
    public void close() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // the lock still goes with the process
        }
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // closing at exit
        }
    }
}
