package org.openpista.tool.browser.internal.cdp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The protocol over Chromium's {@code --remote-debugging-pipe}: messages are JSON texts ended by a
 * NUL byte, written to the browser's file descriptor 3 and read from its descriptor 4. No port is
 * opened, so no other local process can drive the browser (and its logged-in profile), and the
 * browser quits by itself when the pipe closes, even when the daemon is killed with -9.
 */
public final class PipeTransport implements CdpTransport {

    private final OutputStream toBrowser;
    private final InputStream fromBrowser;
    private final Receiver receiver;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread reader;

    /**
     * Starts reading at once.
     *
     * @param toBrowser the browser's descriptor 3
     * @param fromBrowser the browser's descriptor 4
     * @param name names the reader thread
     */
    public PipeTransport(OutputStream toBrowser, InputStream fromBrowser, Receiver receiver, String name) {
        this.toBrowser = toBrowser;
        this.fromBrowser = fromBrowser;
        this.receiver = receiver;
        this.reader = new Thread(this::read, name);
        reader.setDaemon(true);
        reader.start();
    }

    @Override
    public void send(String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        synchronized (toBrowser) {
            if (closed.get()) {
                throw new IOException("the browser connection is closed");
            }
            toBrowser.write(bytes);
            toBrowser.write(0);
            toBrowser.flush();
        }
    }

    @Override
    public void close() {
        try {
            toBrowser.close();
        } catch (IOException e) {
            // the browser is gone already
        }
        finish("closed");
    }

    private void read() {
        ByteArrayOutputStream message = new ByteArrayOutputStream(8192);
        byte[] buffer = new byte[65536];
        String reason = "the browser closed the connection";
        try {
            int count;
            while ((count = fromBrowser.read(buffer)) >= 0) {
                int start = 0;
                for (int i = 0; i < count; i++) {
                    if (buffer[i] == 0) {
                        message.write(buffer, start, i - start);
                        receiver.message(message.toString(StandardCharsets.UTF_8));
                        message.reset();
                        start = i + 1;
                    }
                }
                message.write(buffer, start, count - start);
            }
        } catch (IOException e) {
            reason = "the browser connection failed: " + e.getMessage();
        }
        finish(reason);
    }

    private void finish(String reason) {
        if (closed.compareAndSet(false, true)) {
            receiver.closed(reason);
        }
    }
}
