package org.openpista.runtime;

import java.security.NoSuchAlgorithmException;
import javax.net.ssl.SSLContext;

/**
 * Does start-up work that the main thread would otherwise do later, on the second core while the
 * framework starts: the JDK's HTTP client builds the default TLS context (reading the trust
 * store) when created, even for plain-HTTP endpoints, which takes a noticeable part of a one-shot
 * run.
 */
final class Warmup {

    private Warmup() {}

    static void start() {
        Thread thread = new Thread(Warmup::run, "openpista-warmup");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
    }

    private static void run() {
        try {
            SSLContext.getDefault();
        } catch (NoSuchAlgorithmException | RuntimeException e) {
            // only a head start; the HTTP client reports a real TLS problem itself
        }
    }
}
