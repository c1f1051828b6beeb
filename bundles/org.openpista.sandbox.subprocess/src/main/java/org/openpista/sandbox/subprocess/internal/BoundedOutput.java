package org.openpista.sandbox.subprocess.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Reads one output stream of a child to its end on its own thread and keeps at most a fixed number
 * of characters; the rest is counted and dropped, so a command that prints gigabytes costs no
 * memory. The text ends with a marker saying how much was dropped.
 */
final class BoundedOutput implements Runnable {

    private final InputStream stream;
    private final int limit;
    private final StringBuilder kept = new StringBuilder();
    private final CountDownLatch ended = new CountDownLatch(1);
    private long dropped;

    BoundedOutput(InputStream stream, int limit) {
        this.stream = stream;
        this.limit = Math.max(0, limit);
    }

    /** Starts reading on a daemon thread named after the stream. */
    BoundedOutput start(String name) {
        Thread thread = new Thread(this, name);
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    @Override
    public void run() {
        char[] buffer = new char[8192];
        try (Reader reader = new InputStreamReader(stream, StandardCharsets.UTF_8)) {
            int read;
            while ((read = reader.read(buffer)) >= 0) {
                synchronized (this) {
                    int room = Math.max(0, limit - kept.length());
                    int take = Math.min(room, read);
                    kept.append(buffer, 0, take);
                    dropped += read - take;
                }
            }
        } catch (IOException e) {
            // the pipe was closed under us (the process was killed): keep what was read
        } finally {
            ended.countDown();
        }
    }

    /** @return whether the stream ended within the wait */
    boolean awaitEnd(long millis) throws InterruptedException {
        return ended.await(Math.max(0, millis), TimeUnit.MILLISECONDS);
    }

    /** @return the text read so far, with a marker when some was dropped */
    synchronized String text() {
        return dropped == 0 ? kept.toString() : kept + "\n[... " + dropped + " more characters cut]";
    }
}
