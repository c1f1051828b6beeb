package org.openpista.runtime;

import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.osgi.framework.Bundle;

/**
 * Does start-up work that the main thread would otherwise do later, on the second core while the
 * framework starts. The JDK's HTTP client builds the default TLS context (reading the trust store)
 * when created, even for plain-HTTP endpoints; and Jackson's databind, which configuration,
 * memory and providers all use, loads several hundred classes on its first use. Both are plain
 * head starts: whoever needs them first simply finds them ready, or waits for the class loading
 * already under way.
 */
final class Warmup {

    private static final String JACKSON_DATABIND = "com.fasterxml.jackson.core.jackson-databind";

    private Warmup() {}

    /** Starts warming the JDK's TLS context. */
    static void start() {
        background("openpista-warmup-tls", Warmup::tls);
    }

    /** Starts warming the libraries among the installed bundles. */
    static void bundles(List<Bundle> bundles) {
        for (Bundle bundle : bundles) {
            if (JACKSON_DATABIND.equals(bundle.getSymbolicName())) {
                background("openpista-warmup-json", () -> json(bundle));
            }
        }
    }

    private static void background(String name, Runnable work) {
        Thread thread = new Thread(work, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void tls() {
        try {
            SSLContext.getDefault();
        } catch (NoSuchAlgorithmException | RuntimeException e) {
            // only a head start; the HTTP client reports a real TLS problem itself
        }
    }

    // through reflection: the launcher does not share Jackson's classes with the bundles, it only
    // makes the bundle load them
    private static void json(Bundle databind) {
        try {
            Class<?> mapperType = databind.loadClass("com.fasterxml.jackson.databind.ObjectMapper");
            Object mapper = mapperType.getConstructor().newInstance();
            Object text = mapperType.getMethod("writeValueAsString", Object.class)
                    .invoke(mapper, Map.of("warm", List.of(1, "two", Map.of("three", true))));
            mapperType.getMethod("readTree", String.class).invoke(mapper, text);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // only a head start
        }
    }
}
