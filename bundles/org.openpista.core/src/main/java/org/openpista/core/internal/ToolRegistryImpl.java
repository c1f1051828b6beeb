package org.openpista.core.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.llm.ToolSpec;
import org.openpista.api.tool.Tool;
import org.openpista.api.tool.ToolContext;
import org.openpista.api.tool.ToolRegistry;
import org.openpista.api.tool.ToolResult;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tracks {@link Tool} whiteboard services as they come and go. Every turn asks it afresh for the
 * tools available, so a tool registered while the runtime runs is offered from the next request on
 * and an unregistered one is gone. When two services claim the same {@code tool.name}, the one with
 * the highest service ranking (then the lowest service id) wins.
 *
 * <p>A tool whose bundle is being swapped (updated, refreshed, restarted: still installed, but not
 * active or updated just now) is missing for a moment only. During that moment it stays offered,
 * and a call of it waits for the new version instead of failing, up to {@link #SWAP_WAIT}; a call
 * that threw because its service left in the middle is run again on the new version. A tool whose
 * bundle is uninstalled, or whose component simply went away, is gone at once.
 *
 * <p>Tools cost nothing until they are used: the registry binds their service references only. A
 * tool that publishes its spec as service properties ({@link Tool#DESCRIPTION}, {@link
 * Tool#PARAMETERS}) is offered from them and its service is got at its first call, so a Declarative
 * Services component behind it is activated (and its classes loaded) then; one that does not is got
 * the first time the tools are listed, and asked for its spec every time (see {@link ToolService}).
 */
@Component(service = {ToolRegistry.class, ToolInvoker.class})
public class ToolRegistryImpl implements ToolRegistry, ToolInvoker {

    private static final Logger LOG = LoggerFactory.getLogger(ToolRegistryImpl.class);

    /** How long a call waits for a tool whose bundle is being swapped. */
    static final Duration SWAP_WAIT = Duration.ofSeconds(20);

    /**
     * How long a departed tool's bundle may be active again before its service is back: SCR registers
     * a bundle's services only after the bundle has become active, and a refresh after an update
     * restarts the bundle without touching its last modification.
     */
    static final Duration RESTART_GRACE = Duration.ofSeconds(3);

    /**
     * The last service of a tool name left.
     *
     * @param spec what it offered, still offered while its bundle is swapped
     * @param leftAt {@link System#nanoTime()} when it left
     * @param leftAtMillis the wall-clock time when it left, to compare with the bundle's last modification
     * @param bundleStopping whether its bundle was stopping (an update, refresh or restart) as it left;
     *     a service unregistered while its bundle stays active simply went away
     * @param activeAgainAt {@link System#nanoTime()} when the bundle was first seen active again, 0 before
     * @param approval its {@link Tool#APPROVAL} property: a call made while it is swapped is approved as before
     * @param note its {@link Tool#APPROVAL_NOTE} property
     */
    private record Departure(ToolSpec spec, Bundle bundle, long leftAt, long leftAtMillis, boolean bundleStopping,
            AtomicLong activeAgainAt, String approval, String note) {}

    private static final Comparator<ToolService> BEST_FIRST =
            Comparator.comparing(ToolService::reference, Comparator.reverseOrder());

    private final Map<String, ConcurrentSkipListSet<ToolService>> byName = new ConcurrentHashMap<>();
    private final Map<String, Departure> departed = new ConcurrentHashMap<>();
    private final Duration swapWait;

    public ToolRegistryImpl() {
        this(SWAP_WAIT);
    }

    /** Counts the starts of additions and removals, so a look at both maps can tell it raced one. */
    private final AtomicLong changes = new AtomicLong();

    /** What a tool name stands for at one instant: its best service, the departure of its last one, or neither. */
    private record Found(ToolService best, Departure departure) {}

    ToolRegistryImpl(Duration swapWait) {
        this.swapWait = swapWait;
    }

    @Reference(
            service = Tool.class,
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            updated = "updatedTool",
            unbind = "removeTool")
    void addTool(ComponentServiceObjects<Tool> service) {
        ServiceReference<Tool> reference = service.getServiceReference();
        if (reference == null) {
            return; // already gone
        }
        String name = nameOf(reference);
        if (name.isEmpty()) {
            LOG.warn("Ignoring a tool service without the {} property (service id {})", Tool.NAME,
                    reference.getProperty(Constants.SERVICE_ID));
            return;
        }
        changes.incrementAndGet();
        ToolService added = new ToolService(name, reference, service);
        // one atomic step per name, so a service that leaves at the same moment cannot drop this one's set
        ConcurrentSkipListSet<ToolService> entries = byName.compute(name, (key, set) -> {
            ConcurrentSkipListSet<ToolService> now = set == null ? new ConcurrentSkipListSet<>(BEST_FIRST) : set;
            now.add(added);
            return now;
        });
        if (entries.size() > 1) {
            LOG.warn("Two services register the tool {}; the one with the higher service ranking is used", name);
        }
        // after the service is in: a call that no longer finds the departure finds the service
        Departure replaced = departed.remove(name);
        if (replaced != null) {
            added.follow(replaced.spec);
        }
        LOG.debug("Tool {} available{}", name, added.publishesSpec() ? " (spec from its properties)" : "");
    }

    /** A tool service's properties were modified: the spec it publishes is read again. */
    void updatedTool(ServiceReference<Tool> reference) {
        ConcurrentSkipListSet<ToolService> entries = byName.get(nameOf(reference));
        if (entries != null) {
            for (ToolService entry : entries) {
                if (entry.reference().equals(reference)) {
                    entry.propertiesChanged();
                }
            }
        }
    }

    void removeTool(ServiceReference<Tool> reference) {
        String name = nameOf(reference);
        changes.incrementAndGet();
        ConcurrentSkipListSet<ToolService> entries = byName.get(name);
        if (entries != null) {
            ToolService leaving = null;
            boolean last = true;
            for (ToolService entry : entries) {
                if (entry.reference().equals(reference)) {
                    leaving = entry;
                } else {
                    last = false;
                }
            }
            // the departure is recorded before the service leaves: a call that finds no service then finds it
            // the spec last offered: a service leaving is not got (its component may be going away)
            Departure departure = leaving != null && last ? new Departure(leaving.lastSpec(), leaving.bundle(),
                    System.nanoTime(), System.currentTimeMillis(), stopping(leaving.bundle()), new AtomicLong(),
                    property(reference, Tool.APPROVAL), property(reference, Tool.APPROVAL_NOTE)) : null;
            if (departure != null) {
                departed.put(name, departure);
            }
            byName.computeIfPresent(name, (key, set) -> {
                set.removeIf(entry -> entry.reference().equals(reference));
                return set.isEmpty() ? null : set;
            });
            if (departure != null && byName.containsKey(name)) {
                departed.remove(name, departure);
            }
        }
        LOG.debug("Tool {} removed", name);
    }

    private static String nameOf(ServiceReference<Tool> reference) {
        Object property = reference.getProperty(Tool.NAME);
        return property == null ? "" : property.toString().trim();
    }

    @Override
    public List<ToolSpec> tools() {
        // a name is in one of the maps at every instant of a swap (see removeTool and addTool)
        Set<String> names = new TreeSet<>(byName.keySet());
        names.addAll(departed.keySet());
        List<ToolSpec> specs = new ArrayList<>();
        for (String name : names) {
            Found found = find(name);
            ToolSpec spec = null;
            if (found.best != null) {
                spec = found.best.spec();
            } else if (found.departure != null && swapping(found.departure)) {
                spec = found.departure.spec;
            }
            if (spec != null) {
                specs.add(spec);
            }
        }
        return specs;
    }

    @Override
    public String approvalNote(String tool) {
        ToolService best = best(tool);
        if (best != null) {
            return property(best.reference(), Tool.APPROVAL_NOTE);
        }
        Departure departure = departed.get(tool);
        return departure != null ? departure.note : property(best(tool), Tool.APPROVAL_NOTE);
    }

    @Override
    public ToolResult invoke(ToolCall call, ToolContext context) {
        for (int attempt = 1; ; attempt++) {
            ToolService best = current(call.name(), context);
            if (best == null) {
                List<String> names = tools().stream().map(ToolSpec::name).toList();
                return ToolResult.error("unknown tool \"" + call.name() + "\"; available tools: "
                        + (names.isEmpty() ? "none" : String.join(", ", names)));
            }
            Tool tool = best.tool();
            if (tool == null) {
                if (attempt < 3 && leftForSwap(best)) {
                    continue;
                }
                return ToolResult.error("tool " + call.name() + " is not available: its service could not be got"
                        + " (it left, or its component failed to start; see the log)");
            }
            try {
                ToolResult result = tool.execute(call, context);
                return result == null ? ToolResult.error("tool " + call.name() + " returned no result") : result;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return ToolResult.error("tool " + call.name() + " was interrupted");
            } catch (Exception | LinkageError e) {
                if (attempt < 3 && leftForSwap(best)) {
                    LOG.info("Tool {} left during a call while its bundle is swapped ({}); running the call again on "
                            + "the new version", call.name(), describe(e));
                    continue;
                }
                // also covers a tool whose bundle was uninstalled in the middle of the call
                LOG.warn("Tool {} failed", call.name(), e);
                return ToolResult.error("tool " + call.name() + " failed: " + describe(e));
            } catch (Error e) {
                // an OutOfMemoryError or StackOverflowError of one call ends that call, not the turn
                LOG.error("Tool {} failed", call.name(), e);
                return ToolResult.error("tool " + call.name() + " failed: " + e.getClass().getSimpleName() + ": " + describe(e));
            }
        }
    }

    /** @return the best service of a tool, waiting for it while its bundle is swapped; {@code null} when none */
    private ToolService current(String name, ToolContext context) {
        long deadline = System.nanoTime() + Math.min(swapWait.toNanos(), context.remaining().toNanos());
        while (true) {
            Found found = find(name);
            if (found.best != null) {
                return found.best;
            }
            Departure departure = found.departure;
            if (departure == null) {
                return null;
            }
            if (!swapping(departure) || context.cancellation().isCancelled() || System.nanoTime() >= deadline) {
                return null;
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    /**
     * @return the best service of a name or the departure of its last one; neither only when no
     *     addition or removal ran during the look (a name is in one of the maps at every instant of a
     *     swap, but two looks in a row can fall on either side of one)
     */
    private Found find(String name) {
        while (true) {
            long before = changes.get();
            ToolService best = best(name);
            if (best != null) {
                return new Found(best, null);
            }
            Departure departure = departed.get(name);
            if (departure != null || changes.get() == before) {
                return new Found(null, departure);
            }
        }
    }

    /** @return whether this service was unregistered and another has taken its place, or is about to (a swap) */
    private boolean leftForSwap(ToolService entry) {
        ConcurrentSkipListSet<ToolService> entries = byName.get(entry.name());
        if (entries != null && !entries.isEmpty()) {
            return !entries.contains(entry);
        }
        Departure departure = departed.get(entry.name());
        return departure != null && swapping(departure);
    }

    /**
     * @return whether the bundle of a departed tool is coming back: within the swap wait, still
     *     installed, and either not active (stopped for an update or a refresh), updated just now, or
     *     active again for less than {@link #RESTART_GRACE} (its components are being activated)
     */
    private boolean swapping(Departure departure) {
        if (departure.bundle == null || !departure.bundleStopping
                || System.nanoTime() - departure.leftAt > swapWait.toNanos()) {
            return false;
        }
        try {
            int state = departure.bundle.getState();
            if (state == Bundle.UNINSTALLED) {
                return false;
            }
            if (state != Bundle.ACTIVE || departure.bundle.getLastModified() >= departure.leftAtMillis - 2000) {
                return true;
            }
            long now = System.nanoTime();
            departure.activeAgainAt.compareAndSet(0, now);
            return now - departure.activeAgainAt.get() < RESTART_GRACE.toNanos();
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static boolean stopping(Bundle bundle) {
        try {
            return bundle != null && bundle.getState() != Bundle.ACTIVE;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public String approvalOf(String toolName) {
        ToolService best = best(toolName);
        if (best != null) {
            return property(best.reference(), Tool.APPROVAL).trim();
        }
        // a tool being swapped keeps its mode: a call waiting for the new version must not pass unasked
        Departure departure = departed.get(toolName);
        return (departure != null ? departure.approval : property(best(toolName), Tool.APPROVAL)).trim();
    }

    private static String property(ToolService entry, String key) {
        return entry == null ? "" : property(entry.reference(), key);
    }

    private static String property(ServiceReference<?> reference, String key) {
        Object value = reference.getProperty(key);
        return value == null ? "" : value.toString();
    }

    /** @return the best service of a tool name, or {@code null} */
    private ToolService best(String name) {
        ConcurrentSkipListSet<ToolService> entries = byName.get(name);
        return entries == null ? null : first(entries);
    }

    private static ToolService first(ConcurrentSkipListSet<ToolService> entries) {
        try {
            return entries.isEmpty() ? null : entries.first();
        } catch (java.util.NoSuchElementException raced) {
            return null;
        }
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
