package org.openpista.tool.system.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Reads one output stream of a command to its end, decoding UTF-8 (malformed bytes become U+FFFD),
 * and keeps at most {@code cap} characters of it: the head, and a short tail so that the last lines
 * (where errors usually are) survive a cut. Everything in between is only counted, so an endless
 * stream costs a fixed amount of memory.
 *
 * <p>Runs on its own thread ({@link #run()}); {@link #text()} may be called at any time, also while
 * the stream is still being read. Characters are UTF-16 code units, as in {@link String#length()}.
 */
final class OutputCapture implements Runnable {

    /** The longest tail kept after a cut. */
    private static final int MAX_TAIL = 2_000;

    private final InputStream in;
    private final int cap;
    private final int tailCap;
    private final StringBuilder head = new StringBuilder();
    private final char[] tail;
    private final CountDownLatch done = new CountDownLatch(1);
    private final Runnable onReading;
    private int tailPos;
    private long total;

    /**
     * @param in the stream, closed when its end is reached
     * @param cap the most characters {@link #text()} returns besides the cut marker; at least 1
     */
    OutputCapture(InputStream in, int cap) {
        this(in, cap, () -> {});
    }

    /**
     * @param onReading run on the reading thread once it owns the stream, before the first read
     */
    OutputCapture(InputStream in, int cap, Runnable onReading) {
        if (cap < 1) {
            throw new IllegalArgumentException("cap must be at least 1, got " + cap);
        }
        this.in = in;
        this.cap = cap;
        this.tailCap = Math.min(MAX_TAIL, cap / 5);
        this.tail = new char[tailCap];
        this.onReading = onReading;
    }

    @Override
    public void run() {
        // Hold the stream's monitor for the whole read. When the child exits, the JDK's Process
        // takes that monitor to drain what is buffered and close the pipe; if it got in before or
        // between our reads, a background job still holding the pipe would be cut off unseen and
        // the output would end early. Holding it, the pipe stays ours until its real end.
        synchronized (in) {
            onReading.run();
            try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                char[] buffer = new char[8192];
                int n;
                while ((n = reader.read(buffer)) != -1) {
                    append(buffer, 0, n);
                }
            } catch (IOException e) {
                // the pipe went away under us (process killed, stream closed): keep what was read
            } finally {
                done.countDown();
            }
        }
    }

    /** Adds decoded characters; package-private so the cut can be tested without a process. */
    synchronized void append(char[] chars, int off, int len) {
        int room = cap - head.length();
        if (room > 0) {
            head.append(chars, off, Math.min(room, len));
        }
        if (tailCap > 0) {
            if (len >= tailCap) {
                System.arraycopy(chars, off + len - tailCap, tail, 0, tailCap);
                tailPos = 0;
            } else {
                int first = Math.min(len, tailCap - tailPos);
                System.arraycopy(chars, off, tail, tailPos, first);
                System.arraycopy(chars, off + first, tail, 0, len - first);
                tailPos = (tailPos + len) % tailCap;
            }
        }
        total += len;
    }

    /**
     * Waits until the stream has ended.
     *
     * @return whether it ended within {@code timeout}
     */
    boolean awaitEnd(Duration timeout) throws InterruptedException {
        return done.await(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
    }

    /** @return whether the stream has ended */
    boolean ended() {
        return done.getCount() == 0;
    }

    /** @return how many characters were read so far */
    synchronized long totalChars() {
        return total;
    }

    /**
     * @return the text read so far; when longer than the cap, its head and tail with a marker
     *     {@code [... N characters dropped ...]} between them that gives the exact number left out
     */
    synchronized String text() {
        if (total <= cap) {
            return head.toString();
        }
        int headKeep = cap - tailCap;
        // never split a surrogate pair: drop the lone half and count it as dropped
        if (headKeep > 0 && Character.isHighSurrogate(head.charAt(headKeep - 1))) {
            headKeep--;
        }
        StringBuilder kept = new StringBuilder(tailCap);
        kept.append(tail, tailPos, tailCap - tailPos).append(tail, 0, tailPos);
        if (kept.length() > 0 && Character.isLowSurrogate(kept.charAt(0))) {
            kept.deleteCharAt(0);
        }
        long dropped = total - headKeep - kept.length();
        StringBuilder text = new StringBuilder(headKeep + kept.length() + 48);
        text.append(head, 0, headKeep).append("\n[... ").append(dropped).append(" characters dropped ...]");
        if (kept.length() > 0) {
            text.append('\n').append(kept);
        }
        return text.toString();
    }
}
