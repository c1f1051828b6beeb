package org.openpista.runtime;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;

/**
 * With {@code -Dopenpista.phases=bundles}: how long each bundle took to start (and to stop, as the
 * framework shuts down), printed on standard error, the most expensive first. A bundle's own activator runs between its STARTING and STARTED
 * events; the extenders (SCR reading its components, activating the immediate ones) work in their
 * synchronous listeners of STARTED, before the start-level thread moves on. So a bundle's share is
 * the time from its STARTING to the next bundle's STARTING (or the end of the start level), its
 * activator alone the time to its STARTED.
 */
final class BundleTimes implements SynchronousBundleListener {

    private record Start(String name, long starting, long started, long next) {}

    private final Map<Long, long[]> times = new ConcurrentHashMap<>();
    private final List<Bundle> order = new ArrayList<>();

    /** @return a listener added to the context, or {@code null} when the report is not asked for */
    static BundleTimes attach(BundleContext context) {
        if (!"bundles".equals(System.getProperty("openpista.phases"))) {
            return null;
        }
        BundleTimes times = new BundleTimes();
        context.addBundleListener(times);
        return times;
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        long now = System.nanoTime();
        Bundle bundle = event.getBundle();
        if (event.getType() == BundleEvent.STARTING || event.getType() == BundleEvent.STOPPING) {
            synchronized (order) {
                if (!order.isEmpty()) {
                    long[] previous = times.get(order.get(order.size() - 1).getBundleId());
                    if (previous[2] == 0) {
                        previous[2] = now;
                    }
                }
                order.add(bundle);
            }
            times.put(bundle.getBundleId(), new long[] {now, 0, 0});
        } else if (event.getType() == BundleEvent.STARTED || event.getType() == BundleEvent.STOPPED) {
            long[] time = times.get(bundle.getBundleId());
            if (time != null) {
                time[1] = now;
            }
        }
    }

    /** Ends the last bundle's share now, and prints the report on standard error. */
    void print(String title) {
        print(title, System.err);
    }

    /** Ends the last bundle's share now, and prints the report. */
    void print(String title, PrintStream out) {
        long now = System.nanoTime();
        List<Start> starts = new ArrayList<>();
        synchronized (order) {
            for (Bundle bundle : order) {
                long[] time = times.get(bundle.getBundleId());
                if (time[2] == 0) {
                    time[2] = now;
                }
                starts.add(new Start(bundle.getSymbolicName(), time[0], time[1] == 0 ? time[0] : time[1], time[2]));
            }
            order.clear();
            times.clear();
        }
        starts.sort(Comparator.comparingLong((Start start) -> start.next() - start.starting()).reversed());
        long total = 0;
        for (Start start : starts) {
            total += start.next() - start.starting();
        }
        out.printf("bundles %s: %d ms in %d bundles (share = to the next bundle's event; activator)%n", title,
                total / 1_000_000, starts.size());
        for (Start start : starts) {
            out.printf("  %5.1f ms  %5.1f ms  %s%n", (start.next() - start.starting()) / 1e6,
                    (start.started() - start.starting()) / 1e6, start.name());
        }
    }
}
