package org.openpista.channel.mobile.internal;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.openpista.api.channel.AgentGateway;
import org.openpista.api.channel.AgentReply;
import org.openpista.api.channel.InboundMessage;
import org.openpista.api.channel.ReplySink;
import org.openpista.api.channel.TurnHandle;
import org.openpista.api.chat.ChatMessage;

/**
 * The agent as a test scripts it: each submitted message runs a {@link Script} on its own thread,
 * which talks to the channel's {@link ReplySink} the way the agent core does. Cancellation behaves
 * like the core's: the turn ends with a "Cancelled." failure. Replies are stored in the test's
 * memory, so history frames show them.
 */
final class ScriptedGateway implements AgentGateway {

    /** What one turn does. */
    @FunctionalInterface
    interface Script {
        AgentReply run(Turn turn) throws Exception;
    }

    /** A running turn as the script sees it. */
    final class Turn implements TurnHandle {
        final InboundMessage message;
        final ReplySink sink;
        final String sessionId;
        final CompletableFuture<AgentReply> done = new CompletableFuture<>();
        volatile boolean cancelled;

        Turn(InboundMessage message, ReplySink sink) {
            this.message = message;
            this.sink = sink;
            this.sessionId = message.sessionId() == null ? message.conversationKey() : message.sessionId();
        }

        @Override
        public String sessionId() {
            return sessionId;
        }

        @Override
        public CompletionStage<AgentReply> completion() {
            return done;
        }

        @Override
        public boolean cancel() {
            if (done.isDone()) {
                return false;
            }
            cancelled = true;
            finish(AgentReply.failure(sessionId, "Cancelled."));
            return true;
        }

        void finish(AgentReply reply) {
            synchronized (this) {
                if (done.isDone()) {
                    return;
                }
                done.complete(reply);
            }
            if (!reply.error()) {
                store.append(sessionId, ChatMessage.assistant(reply.text()));
            }
            sink.reply(reply);
        }

        /** Waits until the turn is cancelled (a slow generation), at most a minute. */
        void awaitCancel() throws InterruptedException {
            for (int i = 0; i < 600 && !cancelled; i++) {
                Thread.sleep(100);
            }
        }
    }

    final List<Turn> turns = new CopyOnWriteArrayList<>();
    private final MemoryStore store;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    volatile Script script = turn -> AgentReply.answer(turn.sessionId, "echo: " + turn.message.text());

    ScriptedGateway(MemoryStore store) {
        this.store = store;
    }

    @Override
    public TurnHandle submit(InboundMessage message, ReplySink sink) {
        Turn turn = new Turn(message, sink);
        turns.add(turn);
        store.ensureSession(turn.sessionId, message.channel(), message.conversationKey());
        store.append(turn.sessionId, ChatMessage.user(message.text()));
        Script current = script;
        threads.execute(() -> {
            try {
                turn.finish(current.run(turn));
            } catch (Exception e) {
                turn.finish(AgentReply.failure(turn.sessionId, "script failed: " + e));
            }
        });
        return turn;
    }

    @Override
    public int cancel(String sessionId) {
        int count = 0;
        for (Turn turn : turns) {
            if (turn.sessionId.equals(sessionId) && turn.cancel()) {
                count++;
            }
        }
        return count;
    }

    void close() {
        threads.shutdownNow();
    }
}
