package org.openpista.mcp.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One configured MCP server, read from the properties {@code <name>.<key>} (and the private {@code
 * .<name>.env}, {@code .<name>.headers}) that {@code [mcp.servers.<name>]} becomes. Equal records
 * mean an unchanged server: a reload keeps its connection.
 *
 * @param name the table's name, part of every tool name {@code mcp.<name>.<tool>}
 * @param enabled whether to connect
 * @param command the program of a stdio server; empty for a URL
 * @param args its arguments
 * @param env its environment beyond PATH and HOME
 * @param cwd its working folder; {@code null} for the workspace
 * @param url the endpoint of an HTTP server; empty for stdio
 * @param headers HTTP headers
 * @param transport {@code auto}, {@code streamable} or {@code sse}
 * @param approval {@code ask}, {@code auto} or {@code deny}
 * @param toolTimeout the longest one call may take
 * @param startupTimeout the longest start and handshake may take
 * @param include tool name patterns to keep; empty: all
 * @param exclude tool name patterns to drop
 * @param sampling whether the server may ask for completions
 */
record ServerConfig(String name, boolean enabled, String command, List<String> args, Map<String, String> env, Path cwd,
        String url, Map<String, String> headers, String transport, String approval, Duration toolTimeout,
        Duration startupTimeout, List<String> include, List<String> exclude, boolean sampling) {

    /** What a server name must look like: it becomes part of tool names. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");

    /** The property ids of a server's keys ({@link ServerTable}); other properties (component.name ...) are not servers. */
    static final java.util.Set<String> KEYS = java.util.Set.of("enabled", "command", "args", "env", "cwd", "url", "headers",
            "transport", "approval", "tool.timeout.secs", "startup.timeout.secs", "include.tools", "exclude.tools", "sampling");

    ServerConfig {
        args = List.copyOf(args);
        env = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(env));
        headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        include = List.copyOf(include);
        exclude = List.copyOf(exclude);
    }

    /** @return whether the server is reached over HTTP rather than started as a process */
    boolean remote() {
        return !url.isBlank();
    }

    /** @return the server's command line or URL, for people (never headers or environment values) */
    String target() {
        return remote() ? url : String.join(" ", concat(command, args));
    }

    /** @return what is wrong with the table, or empty */
    String problem() {
        if (command.isBlank() && url.isBlank()) {
            return "neither command nor url is set";
        }
        if (!command.isBlank() && !url.isBlank()) {
            return "both command and url are set; a server is one or the other";
        }
        return "";
    }

    /**
     * @param properties the configuration of {@code [mcp.servers]}
     * @param workspace the folder stdio servers run in unless {@code cwd} says otherwise
     * @return the servers by name, sorted
     */
    static Map<String, ServerConfig> parse(Map<String, ?> properties, Path workspace) {
        Map<String, Map<String, Object>> byName = new TreeMap<>();
        properties.forEach((key, value) -> {
            String plain = key.startsWith(".") ? key.substring(1) : key;
            int dot = plain.indexOf('.');
            if (dot <= 0) {
                return;
            }
            String name = plain.substring(0, dot);
            if (NAME.matcher(name).matches() && KEYS.contains(plain.substring(dot + 1))) {
                byName.computeIfAbsent(name, absent -> new LinkedHashMap<>()).put(plain.substring(dot + 1), value);
            }
        });
        Map<String, ServerConfig> servers = new LinkedHashMap<>();
        byName.forEach((name, values) -> servers.put(name, of(name, values, workspace)));
        return servers;
    }

    /** @return one server from its keys (property ids without the name: {@code tool.timeout.secs}) */
    static ServerConfig of(String name, Map<String, Object> values, Path workspace) {
        String cwd = text(values.get("cwd"));
        return new ServerConfig(name, bool(values.get("enabled"), true), text(values.get("command")), list(values.get("args")),
                pairs(values.get("env")), cwd.isBlank() ? workspace : workspace.resolve(cwd), text(values.get("url")),
                pairs(values.get("headers")), orDefault(values.get("transport"), "auto"),
                orDefault(values.get("approval"), "ask"), Duration.ofSeconds(number(values.get("tool.timeout.secs"), 60)),
                Duration.ofSeconds(number(values.get("startup.timeout.secs"), 30)), list(values.get("include.tools")),
                list(values.get("exclude.tools")), bool(values.get("sampling"), false));
    }

    private static List<String> concat(String first, List<String> rest) {
        List<String> all = new ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return all;
    }

    private static String text(Object value) {
        return value == null ? "" : value.toString().strip();
    }

    private static String orDefault(Object value, String fallback) {
        String text = text(value).toLowerCase(Locale.ROOT);
        return text.isEmpty() ? fallback : text;
    }

    private static boolean bool(Object value, boolean fallback) {
        return value == null ? fallback : Boolean.parseBoolean(value.toString());
    }

    private static long number(Object value, long fallback) {
        try {
            return value == null ? fallback : Math.max(1, Long.parseLong(value.toString().strip()));
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    static List<String> list(Object value) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof String[] items) {
            return Arrays.stream(items).filter(item -> item != null).toList();
        }
        if (value instanceof List<?> items) {
            return items.stream().map(String::valueOf).toList();
        }
        return value.toString().isBlank() ? List.of() : List.of(value.toString());
    }

    /** {@code NAME=value} items (the {@code map} format) as a map, in order. */
    static Map<String, String> pairs(Object value) {
        Map<String, String> pairs = new LinkedHashMap<>();
        for (String item : list(value)) {
            int equals = item.indexOf('=');
            if (equals > 0) {
                pairs.put(item.substring(0, equals).strip(), item.substring(equals + 1));
            }
        }
        return pairs;
    }
}
