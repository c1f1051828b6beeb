package org.openpista.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.channel.InboundMessage;
import org.openpista.api.channel.TurnHandle;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.chat.Role;
import org.openpista.api.memory.QueuedMessage;
import org.openpista.api.memory.StoreException;
import org.openpista.api.memory.TurnQueue;
import org.openpista.memory.sqlite.internal.SqliteConversationStore;

/**
 * Messages outlive their process, and a session's turns do not interleave across processes. Each
 * "process" here is a real store and runtime on the same file (the store is the unit the file
 * knows as a process); {@link CrashTest} kills a real one.
 */
class DurableTurnsTest {

    @TempDir
    Path home;

    final List<Agent> agents = new ArrayList<>();

    /** One openpista process: its store, runtime and provider. */
    final class Agent {
        final SqliteConversationStore store = new SqliteConversationStore(home.resolve("memory.db"));
        final ObservedQueue queue = new ObservedQueue(store);
        final ScriptedProvider provider = new ScriptedProvider("openai");
        final AgentRuntime runtime;

        Agent(RecordingChannel... channels) {
            ApprovalPolicy approval = new ApprovalPolicy();
            approval.configure(Map.of("approval", "auto"));
            runtime = new AgentRuntime(store, queue, new ToolRegistryImpl(), approval, home,
                    Configs.of(AgentConfig.class, Map.of()));
            runtime.providers = List.of(provider);
            runtime.channels = List.of(channels);
            for (RecordingChannel channel : channels) {
                runtime.channelArrived(channel);
            }
            agents.add(this);
        }

        void stop() {
            runtime.deactivate();
            store.deactivate();
        }
    }

    @AfterEach
    void stopAll() {
        agents.forEach(Agent::stop);
    }

    static InboundMessage web(String session, String text) {
        return new InboundMessage("web", "web:client-1", session, "client-1", text, List.of(), Map.of());
    }

    /** The provider answers "answer to: <the last user message>". */
    static ScriptedProvider.Step answering() {
        return (request, listener) -> {
            List<ChatMessage> messages = request.messages();
            return ScriptedProvider.text("answer to: " + messages.get(messages.size() - 1).content());
        };
    }

    @Test
    void submitReturnsOnceTheMessageIsStored() throws Exception {
        Agent agent = new Agent();
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        agent.provider.then((request, listener) -> {
            inside.countDown();
            await(release);
            return ScriptedProvider.text("answer to: one");
        });
        agent.provider.fallback = answering();

        TurnHandle one = agent.runtime.submit(web("s", "one"), new RecordingSink());
        assertThat(inside.await(20, TimeUnit.SECONDS)).isTrue();
        TurnHandle two = agent.runtime.submit(web("s", "two"), new RecordingSink());
        TurnHandle three = agent.runtime.submit(web("s", "three"), new RecordingSink());

        // read from the file by another connection: what a crash now would leave
        assertThat(query("SELECT content || ':' || state FROM inbox ORDER BY id"))
                .containsExactly("one:running", "two:queued", "three:queued");
        assertThat(agent.store.history("s")).extracting(ChatMessage::content).containsExactly("one");
        release.countDown();
        for (TurnHandle turn : List.of(one, two, three)) {
            assertThat(AgentRuntimeTest.await(turn).error()).isFalse();
        }
        assertThat(agent.store.history("s")).extracting(ChatMessage::content)
                .containsExactly("one", "answer to: one", "two", "answer to: two", "three", "answer to: three");
        assertThat(query("SELECT COUNT(*) FROM inbox")).containsExactly("0");
    }

    @Test
    void aMessageTheStoreCannotKeepIsRefusedBySubmit() {
        Agent agent = new Agent();
        agent.store.deactivate();
        RecordingSink sink = new RecordingSink();

        assertThatThrownBy(() -> agent.runtime.submit(web("s", "lost?"), sink))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("closed");
        assertThat(sink.replies).isEmpty();
    }

    @Test
    void aCancelledQueuedMessageLeavesTheQueue() throws Exception {
        Agent agent = new Agent();
        CountDownLatch release = new CountDownLatch(1);
        agent.provider.then((request, listener) -> {
            await(release);
            return ScriptedProvider.text("done");
        });
        TurnHandle running = agent.runtime.submit(web("s", "one"), new RecordingSink());
        TurnHandle queued = agent.runtime.submit(web("s", "two"), new RecordingSink());

        assertThat(queued.cancel()).isTrue();
        assertThat(AgentRuntimeTest.await(queued).text()).isEqualTo(AgentLoop.CANCELLED);
        assertThat(query("SELECT content FROM inbox")).containsExactly("one");
        release.countDown();
        AgentRuntimeTest.await(running);
        assertThat(query("SELECT COUNT(*) FROM inbox")).containsExactly("0");
    }

    @Test
    void twoProcessesTakeTurnsInOneSessionInsteadOfInterleaving() throws Exception {
        Agent first = new Agent();
        Agent second = new Agent();
        // the first process's turn runs until the second has been told to wait for the session
        first.provider.then((request, listener) -> {
            await(second.queue.waited);
            return ScriptedProvider.text("answer a");
        });
        second.provider.fallback = answering();

        TurnHandle a = first.runtime.submit(web("same", "a"), new RecordingSink());
        awaitTrue(() -> !first.provider.requests.isEmpty());
        TurnHandle b = second.runtime.submit(web("same", "b"), new RecordingSink());

        assertThat(AgentRuntimeTest.await(a).text()).isEqualTo("answer a");
        assertThat(AgentRuntimeTest.await(b).text()).isEqualTo("answer to: b");
        assertThat(first.store.history("same")).extracting(ChatMessage::role, ChatMessage::content).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Role.USER, "a"),
                org.assertj.core.groups.Tuple.tuple(Role.ASSISTANT, "answer a"),
                org.assertj.core.groups.Tuple.tuple(Role.USER, "b"),
                org.assertj.core.groups.Tuple.tuple(Role.ASSISTANT, "answer to: b"));
        assertThat(second.provider.requests.get(0).messages()).extracting(ChatMessage::content)
                .containsExactly("a", "answer a", "b");
        assertThat(first.queue.waited.getCount()).as("the first process never waited").isEqualTo(1);
    }

    @Test
    void whatAnEndedProcessLeftIsAnsweredThroughItsChannel() throws Exception {
        SqliteConversationStore ended = new SqliteConversationStore(home.resolve("memory.db"));
        long interrupted = ended.enqueue("chat", web("chat", "half done")).id();
        assertThat(ended.start(interrupted)).isEqualTo(TurnQueue.Start.STARTED);
        ended.enqueue("chat", web("chat", "q1"));
        ended.enqueue("chat", web("chat", "q2"));
        ended.enqueue("tg", new InboundMessage("telegram", "telegram:42", "tg", "42", "for telegram", List.of(),
                Map.of()));
        ended.deactivate();

        RecordingChannel channel = new RecordingChannel("web");
        Agent agent = new Agent(channel);
        agent.provider.fallback = answering();
        awaitTrue(() -> channel.delivered.size() >= 3);

        assertThat(channel.delivered).extracting(RecordingChannel.Delivered::target).containsOnly("client-1");
        assertThat(channel.texts().get(0)).startsWith("openpista stopped while answering \"half done\"");
        assertThat(channel.texts().subList(1, 3)).containsExactly("answer to: q1", "answer to: q2");
        assertThat(agent.store.history("chat")).extracting(ChatMessage::content)
                .containsExactly("half done", "q1", "answer to: q1", "q2", "answer to: q2");
        awaitTrue(() -> query("SELECT channel FROM inbox").equals(List.of("telegram")));
    }

    @Test
    void anAdoptedMessageIsLeftForTheNextProcessWhenThisOneStopsBeforeItsTurn() {
        SqliteConversationStore ended = new SqliteConversationStore(home.resolve("memory.db"));
        ended.enqueue("chat", web("chat", "left behind"));
        ended.deactivate();
        SqliteConversationStore store = new SqliteConversationStore(home.resolve("memory.db"));
        try {
            List<QueuedMessage> adopted = store.adopt(List.of("web"));
            SessionLanes lanes = new SessionLanes(store, turn -> {
                throw new AssertionError("no turn runs after the lanes closed");
            });
            lanes.close(java.time.Duration.ZERO);
            RecordingSink sink = new RecordingSink();

            lanes.resume(adopted.get(0), sink);

            assertThat(sink.replies).as("nobody is told").isEmpty();
            assertThat(query("SELECT content || ':' || state FROM inbox")).containsExactly("left behind:queued");
        } finally {
            store.deactivate();
        }
    }

    private List<String> query(String sql) {
        List<String> rows = new ArrayList<>();
        try (Connection db = new org.sqlite.JDBC().connect("jdbc:sqlite:" + home.resolve("memory.db"), new Properties());
                Statement statement = db.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            while (result.next()) {
                rows.add(result.getString(1));
            }
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
        return rows;
    }

    /** Waits for a condition that the agent's threads make true; fails after a generous bound. */
    static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the condition did not become true within 60 s");
            }
            Thread.sleep(20);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test's latch was not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
