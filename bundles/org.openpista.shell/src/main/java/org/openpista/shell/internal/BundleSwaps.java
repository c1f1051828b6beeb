package org.openpista.shell.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.openpista.api.admin.DaemonControl;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.framework.Version;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one line to the daemon's log for every bundle swapped while it runs, with how long the
 * bundle was away: from the moment the old version stopped (or the install began) until the new one
 * started, or until it was gone. Remembers the last swap of each bundle for {@code openpista:status}.
 * Daemon only (it holds {@link DaemonControl}), so commands print nothing of it.
 */
@Component(service = BundleSwaps.class, immediate = true)
public class BundleSwaps implements SynchronousBundleListener {

    private static final Logger LOG = LoggerFactory.getLogger(BundleSwaps.class);

    /** One swap that completed: {@code installed}, {@code updated} or {@code removed}. */
    record Swap(String kind, String from, String to, Duration took, Instant at) {
        String describe() {
            return switch (kind) {
                case "updated" -> "updated " + from + " -> " + to + " in " + took.toMillis() + " ms";
                case "removed" -> "removed " + from + " in " + took.toMillis() + " ms";
                default -> "installed " + to + " in " + took.toMillis() + " ms";
            };
        }
    }

    /** A bundle on its way from one version to another. */
    private record Pending(long since, String from, boolean updated, boolean installed) {}

    private final BundleContext context;
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final Map<String, Swap> last = new ConcurrentHashMap<>();

    @Activate
    public BundleSwaps(BundleContext context, @Reference DaemonControl daemon) {
        this.context = context;
        context.addBundleListener(this);
    }

    @Deactivate
    void deactivate() {
        context.removeBundleListener(this);
    }

    /** @return the last swap of a bundle since the daemon started */
    Optional<Swap> lastSwap(String symbolicName) {
        return Optional.ofNullable(last.get(symbolicName));
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        Bundle bundle = event.getBundle();
        long id = bundle.getBundleId();
        long now = System.nanoTime();
        switch (event.getType()) {
            case BundleEvent.INSTALLED -> pending.put(id, new Pending(now, null, false, true));
            case BundleEvent.STOPPING -> pending.putIfAbsent(id, new Pending(now, version(bundle), false, false));
            case BundleEvent.UNRESOLVED -> pending.putIfAbsent(id, new Pending(now, version(bundle), false, false));
            case BundleEvent.UPDATED -> pending.compute(id, (key, was) -> was == null
                    ? new Pending(now, "?", true, false)
                    : new Pending(was.since, was.from, true, was.installed));
            case BundleEvent.STARTED -> finished(bundle, pending.remove(id), now);
            case BundleEvent.UNINSTALLED -> {
                Pending was = pending.remove(id);
                if (was != null && !was.installed) {
                    record(bundle, new Swap("removed", was.from, null, Duration.ofNanos(now - was.since), Instant.now()));
                }
            }
            default -> {
                // RESOLVED, STARTING, STOPPED, LAZY_ACTIVATION: steps on the way
            }
        }
    }

    private void finished(Bundle bundle, Pending was, long now) {
        if (was == null || !(was.updated || was.installed)) {
            // a plain restart, such as the refresh that follows an update: the swap was already logged
            return;
        }
        Duration took = Duration.ofNanos(now - was.since);
        record(bundle, new Swap(was.installed ? "installed" : "updated", was.from, version(bundle), took, Instant.now()));
    }

    private void record(Bundle bundle, Swap swap) {
        String name = bundle.getSymbolicName() == null ? bundle.getLocation() : bundle.getSymbolicName();
        last.put(name, swap);
        LOG.info("Swap: {} {}", name, swap.describe());
    }

    private static String version(Bundle bundle) {
        Version version = bundle.getVersion();
        return version == null ? "?" : version.toString();
    }
}
