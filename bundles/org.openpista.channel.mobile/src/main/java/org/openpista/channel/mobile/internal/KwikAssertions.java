package org.openpista.channel.mobile.internal;

/**
 * Keeps kwik's {@code assert} statements off, also in a JVM started with {@code -ea} (the tests, or a
 * daemon run with it). kwik 0.10.8's loss detector asserts that the loss delay is positive, which
 * fails on loopback, where the round trip measures 0 ms: the {@code AssertionError} kills the thread
 * that handles acknowledgements and the connection stalls until its idle timeout (kwik fixed it after
 * 0.10.8 with a minimum of 1 ms). Call it before a connection is created: a class's assertion status is
 * fixed when the class is initialized.
 */
final class KwikAssertions {

    private KwikAssertions() {}

    static void off() {
        ClassLoader loader = KwikAssertions.class.getClassLoader();
        if (loader != null) {
            loader.setPackageAssertionStatus("tech.kwik", false);
        }
    }
}
