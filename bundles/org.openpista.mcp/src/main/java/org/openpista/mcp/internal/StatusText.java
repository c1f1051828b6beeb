package org.openpista.mcp.internal;

import java.util.List;

/** {@code mcp list} and {@code mcp list NAME} as text: a table of servers, or one server in detail. */
final class StatusText {

    private StatusText() {}

    static String table(List<ServerStatus> servers) {
        if (servers.isEmpty()) {
            return "No MCP servers. Add one: openpista mcp add NAME -- COMMAND [ARGS...], or openpista mcp add NAME --url URL\n";
        }
        int name = Math.max(4, servers.stream().mapToInt(server -> server.name().length()).max().orElse(4));
        String format = "%-" + name + "s  %-9s  %5s  %s%n";
        StringBuilder out = new StringBuilder(String.format(format, "NAME", "STATE", "TOOLS", "DETAIL"));
        for (ServerStatus server : servers) {
            String detail = server.detail().isEmpty() ? server.target() : server.detail();
            out.append(String.format(format, server.name(), server.state(),
                    server.connected() ? Integer.toString(server.offered().size()) : "-", oneLine(detail, 100)));
            if (!server.connected() && !server.stderr().isEmpty()) {
                List<String> tail = server.stderr().subList(Math.max(0, server.stderr().size() - 3), server.stderr().size());
                for (String line : tail) {
                    out.append(String.format("%-" + name + "s  ! %s%n", "", oneLine(line, 110)));
                }
            }
        }
        return out.toString();
    }

    static String detail(ServerStatus server) {
        StringBuilder out = new StringBuilder();
        out.append(server.name()).append(": ").append(server.state())
                .append(server.detail().isEmpty() ? "" : " (" + server.detail() + ")").append('\n');
        out.append("  target:    ").append(server.target()).append('\n');
        out.append("  since:     ").append(server.since()).append(server.restarts() > 0 ? ", restarted "
                + server.restarts() + " times" : "").append('\n');
        out.append("  tools:     ").append(list(server.offered())).append('\n');
        if (server.tools().stream().anyMatch(tool -> !server.offered().contains(ToolFilter.toolName(server.name(), tool)))) {
            out.append("  on server: ").append(list(server.tools())).append('\n');
        }
        out.append("  resources: ").append(list(server.resources())).append('\n');
        out.append("  prompts:   ").append(list(server.prompts())).append('\n');
        if (!server.stderr().isEmpty()) {
            out.append("  stderr (last lines):\n");
            server.stderr().forEach(line -> out.append("    ").append(line).append('\n'));
        }
        return out.toString();
    }

    private static String list(List<String> items) {
        return items.isEmpty() ? "none" : String.join(", ", items);
    }

    private static String oneLine(String text, int max) {
        String line = text.replaceAll("\\s+", " ").strip();
        return line.length() <= max ? line : line.substring(0, max - 1) + "…";
    }
}
