package org.openpista.core.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.llm.ToolSpec;
import org.openpista.api.tool.Tool;
import org.openpista.api.tool.ToolContext;
import org.openpista.api.tool.ToolRegistry;
import org.openpista.api.tool.ToolResult;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
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
 */
@Component(service = {ToolRegistry.class, ToolInvoker.class})
public class ToolRegistryImpl implements ToolRegistry, ToolInvoker {

    private static final Logger LOG = LoggerFactory.getLogger(ToolRegistryImpl.class);

    /** One registered tool service. */
    private record Entry(String name, ServiceReference<?> reference, Tool tool) {}

    private static final Comparator<Entry> BEST_FIRST =
            Comparator.comparing((Entry e) -> e.reference, Comparator.reverseOrder());

    private final Map<String, ConcurrentSkipListSet<Entry>> byName = new ConcurrentHashMap<>();

    @Reference(
            service = Tool.class,
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            unbind = "removeTool")
    void addTool(Tool tool, ServiceReference<Tool> reference) {
        String name = nameOf(tool, reference);
        if (name.isEmpty()) {
            LOG.warn("Ignoring a tool service without the {} property (service id {})", Tool.NAME,
                    reference.getProperty(Constants.SERVICE_ID));
            return;
        }
        ConcurrentSkipListSet<Entry> entries = byName.computeIfAbsent(name, key -> new ConcurrentSkipListSet<>(BEST_FIRST));
        if (!entries.isEmpty()) {
            LOG.warn("Two services register the tool {}; the one with the higher service ranking is used", name);
        }
        entries.add(new Entry(name, reference, tool));
        LOG.debug("Tool {} available", name);
    }

    void removeTool(Tool tool, ServiceReference<Tool> reference) {
        String name = nameOf(tool, reference);
        ConcurrentSkipListSet<Entry> entries = byName.get(name);
        if (entries != null) {
            entries.removeIf(entry -> entry.reference.equals(reference));
            byName.computeIfPresent(name, (key, set) -> set.isEmpty() ? null : set);
        }
        LOG.debug("Tool {} removed", name);
    }

    private static String nameOf(Tool tool, ServiceReference<Tool> reference) {
        Object property = reference.getProperty(Tool.NAME);
        return property == null ? "" : property.toString().trim();
    }

    @Override
    public List<ToolSpec> tools() {
        List<ToolSpec> specs = new ArrayList<>();
        for (Map.Entry<String, ConcurrentSkipListSet<Entry>> entry : byName.entrySet()) {
            Entry best = first(entry.getValue());
            if (best != null) {
                ToolSpec spec = specOf(best);
                if (spec != null) {
                    specs.add(spec);
                }
            }
        }
        specs.sort(Comparator.comparing(ToolSpec::name));
        return specs;
    }

    @Override
    public String approvalNote(String tool) {
        ConcurrentSkipListSet<Entry> entries = byName.get(tool);
        Entry best = entries == null ? null : first(entries);
        Object note = best == null ? null : best.reference.getProperty(Tool.APPROVAL_NOTE);
        return note == null ? "" : note.toString();
    }

    @Override
    public ToolResult invoke(ToolCall call, ToolContext context) {
        ConcurrentSkipListSet<Entry> entries = byName.get(call.name());
        Entry best = entries == null ? null : first(entries);
        if (best == null) {
            List<String> names = tools().stream().map(ToolSpec::name).toList();
            return ToolResult.error("unknown tool \"" + call.name() + "\"; available tools: "
                    + (names.isEmpty() ? "none" : String.join(", ", names)));
        }
        try {
            ToolResult result = best.tool.execute(call, context);
            return result == null ? ToolResult.error("tool " + call.name() + " returned no result") : result;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ToolResult.error("tool " + call.name() + " was interrupted");
        } catch (Exception | LinkageError e) {
            // also covers a tool whose bundle was uninstalled in the middle of the call
            LOG.warn("Tool {} failed", call.name(), e);
            return ToolResult.error("tool " + call.name() + " failed: " + describe(e));
        } catch (Error e) {
            // an OutOfMemoryError or StackOverflowError of one call ends that call, not the turn
            LOG.error("Tool {} failed", call.name(), e);
            return ToolResult.error("tool " + call.name() + " failed: " + e.getClass().getSimpleName() + ": " + describe(e));
        }
    }

    @Override
    public String approvalOf(String toolName) {
        ConcurrentSkipListSet<Entry> entries = byName.get(toolName);
        Entry best = entries == null ? null : first(entries);
        Object mode = best == null ? null : best.reference.getProperty(Tool.APPROVAL);
        return mode == null ? "" : mode.toString().trim();
    }

    private static ToolSpec specOf(Entry entry) {
        try {
            ToolSpec spec = entry.tool.spec();
            if (!spec.name().equals(entry.name)) {
                // the service property is what the registry promises; keep the model consistent with it
                return new ToolSpec(entry.name, spec.description(), spec.parametersSchema());
            }
            return spec;
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("Tool {} cannot describe itself and is left out", entry.name, e);
            return null;
        }
    }

    private static Entry first(ConcurrentSkipListSet<Entry> entries) {
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
