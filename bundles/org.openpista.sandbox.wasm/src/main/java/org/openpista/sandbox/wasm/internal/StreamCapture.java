package org.openpista.sandbox.wasm.internal;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * One standard stream of a wasmtime guest, capped while it is written. wasmtime-java can only
 * send a guest's stdout or stderr to a file it opens by path; a plain file grew by the gigabyte
 * and was then read whole into the heap (OutOfMemoryError in the turn's thread). So the path is
 * a named pipe (made with {@code mkfifo}) drained by a thread of ours that keeps the first bytes
 * and counts the rest, as the Chicory engine does with its streams. Where {@code mkfifo} is
 * missing it falls back to a plain file of which only the first bytes are ever read.
 */
final class StreamCapture implements AutoCloseable {

    private static final long JOIN_MILLIS = 5_000;

    private final Path path;
    private final int limit;
    private final BoundedOutput kept;
    private final Thread reader;
    private volatile boolean opened;

    private StreamCapture(Path path, int limit, boolean fifo, String name) {
        this.path = path;
        this.limit = Math.max(0, limit);
        this.kept = new BoundedOutput(limit);
        if (fifo) {
            reader = new Thread(this::drain, name);
            reader.setDaemon(true);
            reader.start();
        } else {
            reader = null;
        }
    }

    /**
     * Makes the pipe (or file) {@code dir/name} and starts draining it; the guest's side must be
     * opened next, or {@link #text()} pokes the reader free.
     */
    static StreamCapture open(Path dir, String name, int limit) throws IOException {
        Path path = dir.resolve(name);
        boolean fifo = mkfifo(path);
        if (!fifo) {
            Files.write(path, new byte[0]);
        }
        return new StreamCapture(path, limit, fifo, "wasm-" + name);
    }

    /** @return the path to hand to wasmtime */
    Path path() {
        return path;
    }

    private void drain() {
        try (InputStream in = new FileInputStream(path.toFile())) {
            opened = true;
            byte[] buffer = new byte[64 * 1024];
            int read;
            while ((read = in.read(buffer)) >= 0) {
                kept.write(buffer, 0, read);
            }
        } catch (IOException e) {
            // the pipe went away under us: keep what was read
        }
    }

    /**
     * @return what was captured, cut at the limit with a marker; call it after the guest's side
     *     was closed (its store disposed), else it waits {@value #JOIN_MILLIS} ms for the end
     */
    String text() throws InterruptedException {
        if (reader == null) {
            return fileText();
        }
        release();
        reader.join(JOIN_MILLIS);
        return kept.text();
    }

    /**
     * When wasmtime never opened its end (a failure before the run), opens one ourselves so the
     * reader's blocking open returns; it then sees the end at once.
     */
    private void release() {
        if (reader != null && !opened) {
            try (RandomAccessFile poke = new RandomAccessFile(path.toFile(), "rw")) {
                poke.length();
            } catch (IOException e) {
                // the reader is gone already
            }
        }
    }

    private String fileText() {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(limit, channel.size()));
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // read up to the limit, never more
            }
            kept.write(buffer.array(), 0, buffer.position());
            kept.skipped(channel.size() - buffer.position());
        } catch (IOException e) {
            // nothing readable: empty
        }
        return kept.text();
    }

    @Override
    public void close() {
        release();
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // a leftover file in a temporary folder is harmless
        }
    }

    private static boolean mkfifo(Path path) {
        for (String mkfifo : new String[] {"/usr/bin/mkfifo", "/bin/mkfifo"}) {
            if (!Files.isExecutable(Path.of(mkfifo))) {
                continue;
            }
            try {
                Process process = new ProcessBuilder(mkfifo, "-m", "600", path.toString())
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0) {
                    return true;
                }
                process.destroyForcibly();
            } catch (IOException e) {
                // try the next place, then fall back to a plain file
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }
}
