package org.openpista.mcp.internal;

import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import org.openpista.api.llm.ToolSpec;
import org.openpista.api.tool.Tool;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * Registers the tools of each server as {@link Tool} services ({@code tool.name}, {@code
 * tool.approval}, {@code mcp.server}); a tool whose spec did not change keeps its registration, so
 * a {@code list_changed} that changes one tool does not make the others blink.
 */
final class ToolRegistrations implements ToolSink {

    /** Service property: the MCP server a tool comes from. */
    static final String SERVER = "mcp.server";

    private record Registered(ToolSpec spec, String approval, String note, ServiceRegistration<Tool> registration) {}

    private final BundleContext context;
    private final Map<String, Map<String, Registered>> byServer = new HashMap<>();
    private boolean closed;

    ToolRegistrations(BundleContext context) {
        this.context = context;
    }

    @Override
    public synchronized void publish(ServerConfig config, List<Tool> tools) {
        String server = config.name();
        String approval = config.approval();
        String note = ToolSink.note(config);
        if (closed) {
            return;
        }
        Map<String, Registered> old = byServer.computeIfAbsent(server, absent -> new HashMap<>());
        Map<String, Registered> kept = new HashMap<>();
        for (Tool tool : tools) {
            ToolSpec spec = tool.spec();
            Registered existing = old.remove(spec.name());
            if (existing != null && existing.spec.equals(spec) && existing.approval.equals(approval)
                    && existing.note.equals(note)) {
                kept.put(spec.name(), existing);
                continue;
            }
            if (existing != null) {
                unregister(existing.registration);
            }
            Dictionary<String, Object> properties = new Hashtable<>();
            properties.put(Tool.NAME, spec.name());
            properties.put(Tool.APPROVAL, approval);
            properties.put(Tool.APPROVAL_NOTE, note);
            properties.put(SERVER, server);
            kept.put(spec.name(), new Registered(spec, approval, note, context.registerService(Tool.class, tool, properties)));
        }
        old.values().forEach(registered -> unregister(registered.registration));
        if (kept.isEmpty()) {
            byServer.remove(server);
        } else {
            byServer.put(server, kept);
        }
    }

    /** Unregisters everything; later publishing does nothing. */
    synchronized void close() {
        closed = true;
        for (Map<String, Registered> tools : byServer.values()) {
            new ArrayList<>(tools.values()).forEach(registered -> unregister(registered.registration));
        }
        byServer.clear();
    }

    private static void unregister(ServiceRegistration<?> registration) {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the bundle is stopping and the framework took it down first
        }
    }
}
