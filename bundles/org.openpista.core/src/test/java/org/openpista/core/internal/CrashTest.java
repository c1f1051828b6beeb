package org.openpista.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.chat.ChatMessage;
import org.openpista.memory.sqlite.internal.SqliteConversationStore;

/**
 * Issue 13 item 10 as it was found: a web daemon killed with -9 while messages queue behind a
 * running turn. Every message acknowledged before the kill (submit returned) is stored, and the
 * next process that runs the web channel answers it through the channel; the turn that was running
 * is reported as not finished. Three daemons are killed one after the other on the same file, at
 * different points, before one recovers everything.
 */
class CrashTest {

    @TempDir
    Path home;

    @Test
    void acknowledgedMessagesSurviveKillMinusNineAndAreAnsweredAfterTheRestart() throws Exception {
        List<String> acknowledged = new ArrayList<>();
        List<String> interrupted = new ArrayList<>();
        int[] killAfter = {3, 9, 15};
        for (int round = 0; round < killAfter.length; round++) {
            List<String> messages = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                messages.add("round " + round + " message " + i);
            }
            acknowledged.addAll(runAndKill(messages, killAfter[round]));
            interrupted.add(messages.get(0));
        }

        RecordingChannel web = new RecordingChannel("web");
        SqliteConversationStore store = new SqliteConversationStore(home.resolve("memory.db"));
        ScriptedProvider provider = new ScriptedProvider("openai");
        provider.fallback = (request, listener) -> {
            List<ChatMessage> messages = request.messages();
            return ScriptedProvider.text("answer to: " + messages.get(messages.size() - 1).content());
        };
        ApprovalPolicy approval = new ApprovalPolicy();
        approval.configure(Map.of("approval", "auto"));
        AgentRuntime runtime = new AgentRuntime(store, store, new ToolRegistryImpl(), approval, home,
                Configs.of(AgentConfig.class, Map.of()));
        try {
            runtime.providers = List.of(provider);
            runtime.channels = List.of(web);
            runtime.channelArrived(web);

            List<String> expected = new ArrayList<>();
            for (String message : acknowledged) {
                expected.add(interrupted.contains(message) ? "openpista stopped while answering \"" + message + "\""
                        : "answer to: " + message);
            }
            DurableTurnsTest.awaitTrue(() -> expected.stream().allMatch(text -> web.texts().stream()
                    .anyMatch(delivered -> delivered.startsWith(text))));

            List<String> history = store.history("chat").stream().map(ChatMessage::content).toList();
            for (String message : acknowledged) {
                assertThat(history).as("acknowledged, so stored").contains(message);
                if (!interrupted.contains(message)) {
                    assertThat(history.get(history.indexOf(message) + 1)).isEqualTo("answer to: " + message);
                }
            }
            assertThat(web.delivered).extracting(RecordingChannel.Delivered::target).containsOnly("client-1");
        } finally {
            runtime.deactivate();
            store.deactivate();
        }
    }

    /**
     * Starts a daemon, sends it every message at once, kills it with -9 once it acknowledged
     * {@code killAfter} of them.
     *
     * @return the messages it acknowledged
     */
    private List<String> runAndKill(List<String> messages, int killAfter) throws IOException, InterruptedException {
        Process daemon = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CrashingAgent.class.getName(), home.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        List<String> acknowledged = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(daemon.getInputStream(), StandardCharsets.UTF_8));
                OutputStream in = daemon.getOutputStream()) {
            // the first message's turn runs (and never ends) before the others come
            in.write((messages.get(0) + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
            String line;
            while ((line = out.readLine()) != null && !line.equals("ANSWERING")) {
                record(line, acknowledged);
            }
            for (String message : messages.subList(1, messages.size())) {
                in.write((message + "\n").getBytes(StandardCharsets.UTF_8));
            }
            in.flush();
            while (acknowledged.size() < killAfter && (line = out.readLine()) != null) {
                record(line, acknowledged);
            }
            // SIGKILL: nothing runs after it in the child (through the handle, which leaves the pipes open)
            daemon.toHandle().destroyForcibly();
            assertThat(daemon.waitFor(30, TimeUnit.SECONDS)).isTrue();
            // what it wrote before it died is still in the pipe
            while ((line = out.readLine()) != null) {
                record(line, acknowledged);
            }
        } finally {
            daemon.destroyForcibly();
        }
        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(killAfter).startsWith(messages.get(0));
        return acknowledged;
    }

    private static void record(String line, List<String> acknowledged) {
        if (line.startsWith("ACK ")) {
            acknowledged.add(line.substring(4));
        }
    }
}
