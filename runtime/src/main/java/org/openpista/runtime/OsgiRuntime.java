package org.openpista.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.openpista.api.config.ConfigException;
import org.openpista.api.config.ConfigReport;
import org.openpista.api.config.ConfigurationLoader;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;
import org.osgi.util.tracker.ServiceTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded Felix framework with the bundles of some features installed at their features' start
 * levels. The launcher's own class path (the API, SLF4J, picocli) is exported to the bundles
 * through the system bundle, so launcher and bundles share those types.
 *
 * <p>Start-up happens in two steps so that a broken configuration starts nothing: the framework
 * starts at level 1 (the infrastructure that reads and validates {@code config.toml}), then rises
 * to the highest level. Which bundle is infrastructure is the distribution's business (its
 * features' start levels), not the launcher's. Each process gets a bundle cache of its own ({@link
 * FelixStorage}); bundles are installed by reference, so nothing is copied, from hard links in the
 * user's cache when it can make them ({@link PinnedJars}). The cache starts as a
 * copy of a saved one that has the same bundles installed ({@link InstalledBundles}), when there is one.
 * The versions of built-in bundles that {@code openpista bundles update} kept in the home ({@link
 * BundleOverrides}) replace the distribution's after that, so the saved copy never holds them.
 */
final class OsgiRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OsgiRuntime.class);
    /** How long a missing service is waited for before failed components are reported instead. */
    private static final Duration FAILURE_GRACE = Duration.ofSeconds(2);

    private final Framework framework;
    private final FelixStorage storage;
    private final int topLevel;
    private final BundleTimes bundleTimes;
    /** Held while the framework runs: its lock keeps the linked jars from being pruned. */
    private final PinnedJars pinned;
    /** SCR's parsed descriptors beside the saved bundle cache, or {@code null}. */
    private final SavedComponentMetadata metadata;
    /** Whether every bundle was started: only then does SCR's store hold every bundle's descriptors. */
    private volatile boolean startedAll;

    private OsgiRuntime(Framework framework, FelixStorage storage, int topLevel, BundleTimes bundleTimes, PinnedJars pinned,
            SavedComponentMetadata metadata) {
        this.framework = framework;
        this.storage = storage;
        this.topLevel = topLevel;
        this.bundleTimes = bundleTimes;
        this.pinned = pinned;
        this.metadata = metadata;
    }

    /** The highest start level a one-shot turn needs: the infrastructure (1) and the agent with its tools (2). */
    static final int ONE_SHOT = 2;
    /** Every feature: channels, the admin socket and FileInstall (3) as well. */
    static final int EVERYTHING = Integer.MAX_VALUE;

    /**
     * Installs the bundles of the features up to a start level and starts the framework at level 1.
     * The plugins of the home are installed then too (by FileInstall, an infrastructure bundle), so
     * that what they declare counts when the configuration is read; they start with the top level.
     *
     * @param maxLevel the highest feature start level to install
     */
    static OsgiRuntime create(Distribution distribution, Home home, int maxLevel, Map<String, String> extra, boolean daemon)
            throws BundleException, IOException {
        return create(distribution, home, maxLevel, extra, daemon, phase -> {});
    }

    /**
     * As {@link #create(Distribution, Home, int, Map, boolean)}, telling {@code phases} when each step ends.
     *
     * @param daemon whether the process runs until stopped: its jars are then pinned ({@link PinnedJars}) and
     *     Felix keeps only a few of them open; other processes keep them all open, as they end soon
     */
    static OsgiRuntime create(Distribution distribution, Home home, int maxLevel, Map<String, String> extra,
            boolean daemon, Consumer<String> phases) throws BundleException, IOException {
        home.makePrivate();
        FelixStorage felixStorage = FelixStorage.create(home.dir(), daemon);
        Path storage = felixStorage.dir();
        Path pluginDir = Files.createDirectories(home.dir().resolve("plugins"));
        // each feature's level read once (a file per feature)
        Map<String, Integer> featureLevels = distribution.startLevels();
        int top = 1;
        for (int level : featureLevels.values()) {
            if (level <= maxLevel) {
                top = Math.max(top, level);
            }
        }
        // what to install, lowest level first; its digest names the saved cache that has it installed
        List<Path> jars = new ArrayList<>();
        List<Integer> levels = new ArrayList<>();
        List<Path> distributed = new ArrayList<>(); // of every feature: linked once per build (PinnedJars)
        for (Map.Entry<String, Integer> feature : featureLevels.entrySet()) {
            int level = feature.getValue();
            if (daemon || level <= maxLevel) {
                for (Path jar : distribution.bundles(feature.getKey())) {
                    distributed.add(jar);
                    if (level <= maxLevel) {
                        jars.add(jar);
                        levels.add(level);
                    }
                }
            }
        }
        // a daemon's from links, so that Felix may close them: the distribution may be replaced under it
        PinnedJars pinned = daemon ? PinnedJars.pin(PinnedJars.store(System.getenv()), distributed) : PinnedJars.none();
        List<String> plan = new ArrayList<>();
        for (int i = 0; i < jars.size(); i++) {
            plan.add(levels.get(i) + " " + location(pinned.path(jars.get(i))));
        }
        Path savedFolder = home.dir().resolve("cache").resolve("framework");
        String cacheKey = InstalledBundles.key(plan, jars, distribution.dir().resolve("lib"));
        InstalledBundles saved = new InstalledBundles(savedFolder, cacheKey);
        phases.accept("bundle cache key");
        boolean reuse = !"off".equals(System.getProperty("openpista.bundle.cache"));
        boolean restored = reuse && saved.restore(storage);
        phases.accept("bundle cache copied");
        Map<String, Object> properties = new HashMap<>();
        properties.put(Constants.FRAMEWORK_STORAGE, storage.toString());
        properties.put(Constants.FRAMEWORK_BEGINNING_STARTLEVEL, "1");
        properties.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, String.join(",",
                SystemExports.of(ConfigurationLoader.class.getName()), SystemExports.of(LoggerFactory.class.getName()),
                SystemExports.of("picocli.CommandLine")));
        properties.put("felix.log.logger", new FelixLog());
        try (InputStream defaults = OsgiRuntime.class.getResourceAsStream("framework.properties")) {
            Properties file = new Properties();
            file.load(defaults);
            file.forEach((key, value) -> properties.put(key.toString(), value));
        }
        if (pinned.complete()) {
            properties.put("felix.cache.filelimit", PinnedJars.FILE_LIMIT);
        }
        properties.put("felix.fileinstall.dir", pluginDir.toString());
        properties.put("felix.fileinstall.start.level", Integer.toString(top));
        properties.put(ConfigurationLoader.HOME_PROPERTY, home.dir().toString());
        properties.put(ConfigurationLoader.FILE_PROPERTY, home.configFile().toString());
        boolean partial = featureLevels.values().stream().anyMatch(level -> level > maxLevel);
        // the configuration bundle then gives no warning for tables of the bundles left out
        properties.put("openpista.bundles.partial", Boolean.toString(partial));
        properties.put("openpista.dist", distribution.dir().toString());
        if (reuse) { // SCR reads and writes its store; the launcher carries it between processes
            properties.put(SavedComponentMetadata.PROPERTY, "true");
        }
        properties.putAll(HandedOverEnvironment.read());
        properties.putAll(extra);
        Framework framework = restored ? saved.initialized(properties, storage) : null;
        restored = framework != null;
        if (framework == null) {
            properties.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
            framework = InstalledBundles.newFramework(properties);
            framework.init();
        }
        felixStorage.deleteWhenStopped(framework);
        phases.accept("framework init");
        BundleContext context = framework.getBundleContext();
        List<Bundle> installed = new ArrayList<>();
        if (restored) {
            for (Bundle bundle : context.getBundles()) {
                if (bundle.getBundleId() != 0) {
                    installed.add(bundle);
                }
            }
            if (installed.size() != jars.size()) { // not what was saved: install afresh
                for (Bundle bundle : installed) {
                    bundle.uninstall();
                }
                installed.clear();
                saved.forget();
                restored = false;
            }
        }
        if (!restored) {
            for (int i = 0; i < jars.size(); i++) {
                installed.add(install(context, location(pinned.path(jars.get(i))), levels.get(i)));
            }
            if (reuse) {
                saved.save(storage);
            }
        }
        SavedComponentMetadata metadata = reuse
                ? SavedComponentMetadata.restore(savedFolder, cacheKey, context, storage, restored) : null;
        BundleOverrides overrides = BundleOverrides.in(home.dir());
        for (Bundle bundle : installed) {
            overrides.apply(bundle);
        }
        phases.accept(restored ? "bundles restored" : "bundles installed");
        BundleTimes bundleTimes = BundleTimes.attach(context);
        framework.start();
        phases.accept("level 1 started");
        if (bundleTimes != null) {
            bundleTimes.print("level 1");
        }
        Warmup.bundles(installed);
        return new OsgiRuntime(framework, felixStorage, top, bundleTimes, pinned, metadata);
    }

    private static String location(Path jar) {
        return "reference:" + jar.toUri();
    }

    /** Installs a bundle at a start level and marks it to start when the framework reaches it. */
    private static Bundle install(BundleContext context, String location, int level) throws BundleException {
        Bundle bundle = context.installBundle(location);
        bundle.adapt(BundleStartLevel.class).setStartLevel(level);
        if (bundle.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
            bundle.start(Bundle.START_ACTIVATION_POLICY);
        }
        return bundle;
    }

    /**
     * Waits for the configuration bundle (started at level 1) and returns what its load found.
     *
     * @throws ConfigException when {@code config.toml} cannot be used
     */
    ConfigReport configuration(Duration timeout) throws ConfigException {
        return awaitService(ConfigurationLoader.class, null, timeout).report();
    }

    /**
     * Raises the framework to its highest start level, so every installed bundle starts.
     *
     * @return one line per bundle that could not start: {@code name: problem}
     */
    List<String> startAll() throws InterruptedException {
        List<String> failures = new CopyOnWriteArrayList<>();
        CountDownLatch changed = new CountDownLatch(1);
        FrameworkListener listener = event -> {
            if (event.getType() == FrameworkEvent.ERROR && event.getBundle() != null) {
                failures.add(event.getBundle().getSymbolicName() + ": "
                        + oneLine(event.getThrowable() == null ? "" : event.getThrowable().getMessage()));
            }
        };
        BundleContext context = framework.getBundleContext();
        context.addFrameworkListener(listener);
        try {
            framework.adapt(FrameworkStartLevel.class).setStartLevel(topLevel, event -> changed.countDown());
            changed.await();
            if (bundleTimes != null) {
                bundleTimes.print("level " + topLevel);
            }
        } finally {
            context.removeFrameworkListener(listener);
        }
        // the plugins FileInstall installed while level 1 started: it would start them only at its next scan
        for (Bundle bundle : context.getBundles()) {
            if ((bundle.getState() == Bundle.INSTALLED || bundle.getState() == Bundle.RESOLVED)
                    && bundle.getHeaders().get(Constants.FRAGMENT_HOST) == null
                    && bundle.adapt(BundleStartLevel.class).getStartLevel() <= topLevel) {
                try {
                    bundle.start(Bundle.START_ACTIVATION_POLICY);
                } catch (BundleException | IllegalStateException e) {
                    failures.add(bundle.getSymbolicName() + ": " + oneLine(e.getMessage()));
                }
            }
        }
        // every bundle has started: the log files' format is settled, what start-up logged may go out
        LogSetup.releaseHeldRecords();
        startedAll = true;
        return List.copyOf(failures);
    }

    /**
     * Waits for a service. When it has not appeared after a moment and components failed to
     * activate (a database that cannot be opened, say), their failures are reported at once
     * rather than after the whole timeout.
     *
     * @param filter an additional LDAP filter, or {@code null}
     * @return the service
     * @throws RuntimeProblem when it does not appear in time, naming what failed
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
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        try {
            while (true) {
                S service = tracker.waitForService(100);
                if (service != null) {
                    return service;
                }
                String what = "the service " + type.getSimpleName() + (filter == null ? "" : " " + filter);
                if (System.nanoTime() - start > FAILURE_GRACE.toNanos()) {
                    List<String> failed = ComponentFailures.of(framework.getBundleContext());
                    if (!failed.isEmpty()) {
                        throw new RuntimeProblem.ComponentFailed(what + " cannot start: " + String.join("; ", failed));
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new RuntimeProblem(what + " did not start within " + timeout.toSeconds() + " s" + diagnosis());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeProblem("interrupted while waiting for " + type.getSimpleName());
        } finally {
            // the caller keeps using the service object; the framework keeps it alive while the bundle runs
            tracker.close();
        }
    }

    /**
     * @param failures bundles that could not start ({@link #startAll()})
     * @return the problem to report: the components that failed to activate, when some did (their
     *     message names what is wrong), else the bundles
     */
    RuntimeProblem problem(List<String> failures) {
        List<String> failed = ComponentFailures.of(framework.getBundleContext());
        return failed.isEmpty() ? new RuntimeProblem("some bundles cannot start: " + String.join("; ", failures))
                : new RuntimeProblem.ComponentFailed(String.join("; ", failed));
    }

    /** @return the framework's bundle context */
    BundleContext context() {
        return framework.getBundleContext();
    }

    private String diagnosis() {
        List<String> notActive = new ArrayList<>();
        for (Bundle bundle : framework.getBundleContext().getBundles()) {
            if (bundle.getHeaders().get(Constants.FRAGMENT_HOST) == null && bundle.getState() != Bundle.ACTIVE
                    && bundle.getBundleId() != 0) {
                notActive.add(bundle.getSymbolicName());
            }
        }
        return notActive.isEmpty() ? "" : " (not active: " + String.join(", ", notActive) + ")";
    }

    @Override
    public void close() {
        try {
            if (metadata != null && startedAll && metadata.unchanged(framework.getBundleContext())) {
                metadata.saveWhenScrStops(framework.getBundleContext());
            }
            framework.stop();
            framework.waitForStop(Duration.ofSeconds(30).toMillis());
            if (bundleTimes != null) {
                bundleTimes.print("stopped");
            }
        } catch (BundleException e) {
            LOG.warn("The framework did not stop cleanly", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            pinned.close();
            storage.close();
            releaseHttpSelectors();
        }
    }

    /**
     * Wakes the selector threads of the JDK's HTTP clients the bundles created, so they leave
     * native code. On exit, a Java 17 VM waits up to 300 ms for every thread that sits in native
     * code, and an HTTP client's selector waits in epoll until the client is garbage collected
     * (Java 21 added {@code HttpClient.close()}). The bundles are stopped by now.
     */
    private static void releaseHttpSelectors() {
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().startsWith("HttpClient-") && thread.getName().endsWith("-SelectorManager")) {
                thread.interrupt();
            }
        }
    }

    static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s+", " ").strip();
    }
}
