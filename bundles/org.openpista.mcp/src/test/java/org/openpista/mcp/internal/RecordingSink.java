package org.openpista.mcp.internal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.openpista.api.tool.Tool;

/** Keeps what a connection publishes: the current tools of each server and every publication. */
final class RecordingSink implements ToolSink {

    final Map<String, List<Tool>> current = new ConcurrentHashMap<>();
    final List<String> history = new CopyOnWriteArrayList<>();

    @Override
    public void publish(ServerConfig server, List<Tool> tools) {
        current.put(server.name(), List.copyOf(tools));
        history.add(server.name() + ":" + tools.size());
    }

    List<String> names(String server) {
        return current.getOrDefault(server, List.of()).stream().map(tool -> tool.spec().name()).sorted().toList();
    }

    Tool tool(String name) {
        return current.values().stream().flatMap(List::stream).filter(tool -> tool.spec().name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no tool " + name + " in " + current.keySet()));
    }
}
