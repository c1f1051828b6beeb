package org.openpista.mcp.internal;

import java.util.List;
import java.util.regex.Pattern;

/** A server's include_tools and exclude_tools: names where {@code *} matches any text. */
record ToolFilter(List<String> include, List<String> exclude) {

    boolean accepts(String tool) {
        return (include.isEmpty() || include.stream().anyMatch(pattern -> matches(pattern, tool)))
                && exclude.stream().noneMatch(pattern -> matches(pattern, tool));
    }

    static boolean matches(String pattern, String name) {
        String regex = java.util.Arrays.stream(pattern.strip().split("\\*", -1)).map(Pattern::quote)
                .collect(java.util.stream.Collectors.joining(".*"));
        return Pattern.matches(regex, name);
    }

    /** @return the tool name the model sees: {@code mcp.<server>.<tool>}, odd characters as {@code _} */
    static String toolName(String server, String tool) {
        return "mcp." + server + "." + tool.replaceAll("[^A-Za-z0-9_.-]", "_");
    }
}
