package org.openpista.mcp.internal;

import java.time.Instant;
import java.util.List;

/**
 * What {@code mcp list} shows of one server.
 *
 * @param name the server's name
 * @param target its command line or URL (no header or environment values)
 * @param state {@code disabled}, {@code idle} (configured, not started in this process), {@code
 *     starting}, {@code connected}, {@code failed} or {@code stopped}
 * @param detail why it failed, when it retries, or what it runs (server name and version)
 * @param since when it entered the state
 * @param restarts how often it was started again after failing
 * @param tools the names of the tools it offers (before include/exclude), empty unless connected
 * @param offered the tool names the model gets ({@code mcp.<server>.<tool>})
 * @param resources resource URIs it lists
 * @param prompts prompt names it lists
 * @param stderr the last lines it wrote to stderr
 */
record ServerStatus(String name, String target, String state, String detail, Instant since, int restarts,
        List<String> tools, List<String> offered, List<String> resources, List<String> prompts, List<String> stderr) {

    ServerStatus {
        tools = List.copyOf(tools);
        offered = List.copyOf(offered);
        resources = List.copyOf(resources);
        prompts = List.copyOf(prompts);
        stderr = List.copyOf(stderr);
    }

    /** @return whether the server's tools are available */
    boolean connected() {
        return state.equals("connected");
    }
}
