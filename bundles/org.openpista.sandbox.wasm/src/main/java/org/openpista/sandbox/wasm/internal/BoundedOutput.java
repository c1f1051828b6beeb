package org.openpista.sandbox.wasm.internal;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** An output stream that keeps its first bytes and counts the rest, so a chatty module costs no memory. */
final class BoundedOutput extends OutputStream {

    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final int limit;
    private long dropped;

    BoundedOutput(int limit) {
        this.limit = Math.max(0, limit);
    }

    @Override
    public synchronized void write(int b) {
        if (kept.size() < limit) {
            kept.write(b);
        } else {
            dropped++;
        }
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) {
        int take = Math.max(0, Math.min(length, limit - kept.size()));
        kept.write(bytes, offset, take);
        dropped += length - take;
    }

    /** Counts bytes that were dropped without being written here. */
    synchronized void skipped(long count) {
        dropped += Math.max(0, count);
    }

    /** @return the text kept, with a marker when bytes were dropped */
    synchronized String text() {
        String text = kept.toString(StandardCharsets.UTF_8);
        return dropped == 0 ? text : text + "\n[... " + dropped + " more bytes cut]";
    }

    static String cut(String text, int limit) {
        return text.length() <= limit ? text : text.substring(0, limit) + "\n[... " + (text.length() - limit) + " more characters cut]";
    }
}
