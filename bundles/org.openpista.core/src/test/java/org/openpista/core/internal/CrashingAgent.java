package org.openpista.core.internal;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.openpista.api.channel.InboundMessage;
import org.openpista.memory.sqlite.internal.SqliteConversationStore;

/**
 * A web daemon in miniature, run by {@link CrashTest} as a child JVM and killed there with -9:
 * the real store and runtime, a provider that never answers (so the first turn runs for good and
 * every later message of the session queues behind it), and the web channel's acknowledgement:
 * {@code ACK <text>} once {@code submit} returned. Messages come one per line on standard input.
 */
public final class CrashingAgent {

    private CrashingAgent() {}

    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]);
        SqliteConversationStore store = new SqliteConversationStore(home.resolve("memory.db"));
        ScriptedProvider provider = new ScriptedProvider("openai");
        provider.fallback = (request, listener) -> {
            System.out.println("ANSWERING");
            System.out.flush();
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("never answers");
        };
        ApprovalPolicy approval = new ApprovalPolicy();
        approval.configure(Map.of("approval", "auto"));
        AgentRuntime runtime = new AgentRuntime(store, store, new ToolRegistryImpl(), approval, home,
                Configs.of(AgentConfig.class, Map.of()));
        runtime.providers = List.of(provider);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String text;
        while ((text = in.readLine()) != null) {
            runtime.submit(new InboundMessage("web", "web:client-1", "chat", "client-1", text, List.of(), Map.of()),
                    new RecordingSink());
            System.out.println("ACK " + text);
            System.out.flush();
        }
        Thread.sleep(Long.MAX_VALUE);
    }
}
