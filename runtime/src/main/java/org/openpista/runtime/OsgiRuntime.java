package org.openpista.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.openpista.api.config.ConfigException;
import org.openpista.api.config.ConfigReport;
import org.openpista.api.config.ConfigurationLoader;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.util.tracker.ServiceTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded Felix framework with the bundles of some features installed. The launcher's own
 * class path (the API and SLF4J) is exported to the bundles through the system bundle, so launcher
 * and bundles share those types.
 *
 * <p>Start-up happens in two steps so that a broken configuration starts nothing: first the
 * infrastructure (Declarative Services, Configuration Admin, the configuration bundle) to read
 * and validate {@code config.toml}; then everything else. Each process gets a fresh bundle cache in
 * a temporary folder; bundles are installed by reference, so nothing is copied.
 */
final class OsgiRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OsgiRuntime.class);

    /** Started first, to read the configuration before anything else runs. */
    private static final List<String> INFRASTRUCTURE = List.of(
            "org.apache.felix.log", "org.apache.felix.configadmin", "org.apache.felix.scr", "org.openpista.config");

    private final Framework framework;
    private final Path storage;
    private final List<Bundle> bundles;

    private OsgiRuntime(Framework framework, Path storage, List<Bundle> bundles) {
        this.framework = framework;
        this.storage = storage;
        this.bundles = bundles;
    }

    /**
     * Initialises the framework and installs the bundles of the given features; nothing is started
     * yet.
     */
    static OsgiRuntime create(Distribution distribution, Home home, List<String> features, Map<String, String> extra)
            throws BundleException, IOException {
        Path storage = Files.createTempDirectory("openpista-felix-");
        Map<String, Object> properties = new HashMap<>();
        properties.put(Constants.FRAMEWORK_STORAGE, storage.toString());
        properties.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        properties.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, String.join(",",
                exportsOf(ConfigurationLoader.class), exportsOf(LoggerFactory.class)));
        properties.put("felix.log.logger", new FelixLog());
        // components stay active while their bundle runs, instead of being torn down whenever
        // nobody holds their service for a moment (the launcher, a finished turn)
        properties.put("ds.delayed.keepInstances", "true");
        // the OSGi log (Felix Log) only relays to SLF4J; it needs no history of its own, and it must
        // pass info entries on (its own default is warn), since SLF4J decides what is written
        properties.put("org.apache.felix.log.maxSize", "20");
        properties.put("org.osgi.service.log.admin.loglevel", "INFO");
        // Felix HTTP (the web feature) listens only once the web channel has configured its address
        // and port, never on its default 0.0.0.0:8080
        properties.put("org.apache.felix.http.require.config", "true");
        properties.put(ConfigurationLoader.HOME_PROPERTY, home.dir().toString());
        properties.put(ConfigurationLoader.FILE_PROPERTY, home.configFile().toString());
        properties.put("openpista.dist", distribution.dir().toString());
        properties.putAll(extra);
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class, OsgiRuntime.class.getClassLoader())
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no OSGi framework on the class path"));
        @SuppressWarnings({"unchecked", "rawtypes"}) // Felix takes Map<String, Object> through a raw Map
        Framework framework = factory.newFramework((Map) properties);
        framework.init();
        BundleContext context = framework.getBundleContext();
        List<Bundle> installed = new ArrayList<>();
        for (String feature : features) {
            for (Path jar : distribution.bundles(feature)) {
                installed.add(context.installBundle("reference:" + jar.toUri()));
            }
        }
        framework.start();
        Warmup.bundles(installed);
        return new OsgiRuntime(framework, storage, installed);
    }

    /** Starts the infrastructure, then reads, validates and applies the configuration. */
    ConfigReport loadConfiguration(Duration timeout) throws ConfigException, BundleException {
        for (String name : INFRASTRUCTURE) {
            Bundle bundle = bundle(name);
            if (bundle == null) {
                throw new IllegalStateException("the distribution lacks the bundle " + name);
            }
            bundle.start(Bundle.START_TRANSIENT);
        }
        ConfigurationLoader loader = awaitService(ConfigurationLoader.class, null, timeout);
        return loader.load();
    }

    /**
     * Starts every installed bundle not started yet.
     *
     * @throws RuntimeProblem naming each bundle that could not start and why
     */
    void startAll() {
        List<String> failures = new ArrayList<>();
        for (Bundle bundle : bundles) {
            if (bundle.getHeaders().get(Constants.FRAGMENT_HOST) != null || bundle.getState() == Bundle.ACTIVE) {
                continue;
            }
            try {
                bundle.start(Bundle.START_TRANSIENT);
            } catch (BundleException e) {
                failures.add(bundle.getSymbolicName() + ": " + oneLine(e.getMessage()));
            }
        }
        if (!failures.isEmpty()) {
            throw new RuntimeProblem("some bundles cannot start: " + String.join("; ", failures));
        }
    }

    /**
     * Waits for a service.
     *
     * @param filter an additional LDAP filter, or {@code null}
     * @return the service
     * @throws RuntimeProblem when it does not appear in time
     */
    <S> S awaitService(Class<S> type, String filter, Duration timeout) {
        BundleContext context = framework.getBundleContext();
        String objectClass = "(" + Constants.OBJECTCLASS + "=" + type.getName() + ")";
        Filter full;
        try {
            full = FrameworkUtil.createFilter(filter == null ? objectClass : "(&" + objectClass + filter + ")");
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        ServiceTracker<S, S> tracker = new ServiceTracker<>(context, full, null);
        tracker.open();
        try {
            S service = tracker.waitForService(timeout.toMillis());
            if (service == null) {
                throw new RuntimeProblem("the service " + type.getSimpleName() + (filter == null ? "" : " " + filter)
                        + " did not start within " + timeout.toSeconds() + " s" + diagnosis());
            }
            return service;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeProblem("interrupted while waiting for " + type.getSimpleName());
        } finally {
            // the caller keeps using the service object; the framework keeps it alive while the bundle runs
            tracker.close();
        }
    }

    /** @return the framework's bundle context */
    BundleContext context() {
        return framework.getBundleContext();
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle bundle : bundles) {
            if (symbolicName.equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        return null;
    }

    private String diagnosis() {
        List<String> notActive = new ArrayList<>();
        for (Bundle bundle : bundles) {
            if (bundle.getHeaders().get(Constants.FRAGMENT_HOST) == null && bundle.getState() != Bundle.ACTIVE
                    && bundle.getHeaders().get(Constants.BUNDLE_ACTIVATOR) == null && isOpenpista(bundle)) {
                notActive.add(bundle.getSymbolicName());
            }
        }
        return notActive.isEmpty() ? "" : " (not active: " + String.join(", ", notActive) + ")";
    }

    private static boolean isOpenpista(Bundle bundle) {
        return bundle.getSymbolicName() != null && bundle.getSymbolicName().startsWith("org.openpista.");
    }

    @Override
    public void close() {
        try {
            framework.stop();
            framework.waitForStop(Duration.ofSeconds(30).toMillis());
        } catch (BundleException e) {
            LOG.warn("The framework did not stop cleanly", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            deleteQuietly(storage);
            releaseHttpSelectors();
        }
    }

    /**
     * Wakes the selector threads of the JDK's HTTP clients the bundles created, so they leave
     * native code. On exit, a Java 17 VM waits up to 300 ms for every thread that sits in native
     * code, and an HTTP client's selector waits in epoll until the client is garbage collected
     * (Java 21 added {@code HttpClient.close()}; 17 has nothing to stop it). The bundles are stopped
     * by now, so nothing uses those clients any more.
     */
    private static void releaseHttpSelectors() {
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().startsWith("HttpClient-") && thread.getName().endsWith("-SelectorManager")) {
                thread.interrupt();
            }
        }
    }

    /** The Export-Package header of the jar a class comes from, to export it from the system bundle. */
    static String exportsOf(Class<?> type) {
        try {
            Path jar = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
            Manifest manifest;
            if (Files.isDirectory(jar)) {
                try (InputStream in = Files.newInputStream(jar.resolve("META-INF/MANIFEST.MF"))) {
                    manifest = new Manifest(in);
                }
            } else {
                try (JarFile file = new JarFile(jar.toFile())) {
                    manifest = file.getManifest();
                }
            }
            String exports = manifest == null ? null : manifest.getMainAttributes().getValue(Constants.EXPORT_PACKAGE);
            if (exports == null) {
                throw new IllegalStateException(jar + " exports no packages");
            }
            return exports;
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException("cannot read the exports of " + type.getName() + ": " + e.getMessage(), e);
        }
    }

    static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s+", " ").strip();
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            LOG.debug("Could not delete {}", dir, e);
        }
    }

    /** Set of symbolic names of the infrastructure bundles, for tests. */
    static Set<String> infrastructure() {
        return Set.copyOf(INFRASTRUCTURE);
    }
}
