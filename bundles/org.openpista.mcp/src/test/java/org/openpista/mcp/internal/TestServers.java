package org.openpista.mcp.internal;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The MCP servers the tests run with node: the reference server {@code @modelcontextprotocol/server-everything}
 * and {@code changing-server.mjs}, from {@code src/test/node} after {@code npm ci} there (.ci/run does
 * it). Without them a test is skipped with the reason, unless {@code OPENPISTA_IT_REQUIRE=all}.
 */
final class TestServers {

    static final Path NODE_DIR = Path.of("src/test/node").toAbsolutePath();
    static final Path EVERYTHING = NODE_DIR.resolve("node_modules/@modelcontextprotocol/server-everything/dist/index.js");
    static final Path CHANGING = NODE_DIR.resolve("changing-server.mjs");

    private TestServers() {}

    /** Skips (or fails under OPENPISTA_IT_REQUIRE=all) when node or the installed servers are missing. */
    static void require() {
        Optional<String> missing = missing();
        if (missing.isPresent()) {
            if ("all".equals(System.getenv("OPENPISTA_IT_REQUIRE"))) {
                fail(missing.get());
            }
            assumeTrue(false, missing.get());
        }
    }

    private static Optional<String> missing() {
        if (node().isEmpty()) {
            return Optional.of("node is not on PATH");
        }
        if (!Files.isRegularFile(EVERYTHING)) {
            return Optional.of("the MCP test servers are not installed: cd " + NODE_DIR + " && npm ci");
        }
        return Optional.empty();
    }

    static Optional<String> node() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path node = Path.of(dir.isEmpty() ? "." : dir, "node");
            if (Files.isExecutable(node)) {
                return Optional.of(node.toString());
            }
        }
        return Optional.empty();
    }

    /** @return a stdio server running {@code node SCRIPT ARGS} */
    static ServerConfig stdio(String name, Path script, List<String> args, Map<String, String> env) {
        List<String> all = new java.util.ArrayList<>();
        all.add(script.toString());
        all.addAll(args);
        return new ServerConfig(name, true, "node", all, env, NODE_DIR, "", Map.of(), "auto", "ask",
                java.time.Duration.ofSeconds(30), java.time.Duration.ofSeconds(30), List.of(), List.of(), false);
    }

    static ServerConfig http(String name, String url, String transport) {
        return new ServerConfig(name, true, "", List.of(), Map.of(), null, url, Map.of("X-Test", "yes"), transport, "ask",
                java.time.Duration.ofSeconds(30), java.time.Duration.ofSeconds(30), List.of(), List.of(), false);
    }
}
