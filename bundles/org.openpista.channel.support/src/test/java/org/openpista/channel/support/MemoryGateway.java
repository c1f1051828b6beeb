package org.openpista.channel.support;

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
 * memory, so history frames show them. In this bundle's test jar, for the web and mobile channels'
 * tests ({@link ScriptedGateway} is the simpler one of the chat channels).
 */
public final class MemoryGateway implements AgentGateway {

    /** What one turn does. */
    @FunctionalInterface
    public interface Script {
        AgentReply run(Turn turn) throws Exception;
    }

    /** A running turn as the script sees it. */
    public final class Turn implements TurnHandle {
        public final InboundMessage message;
        public final ReplySink sink;
        public final String sessionId;
        public final CompletableFuture<AgentReply> done = new CompletableFuture<>();
        public volatile boolean cancelled;

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

        public void finish(AgentReply reply) {
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
        public void awaitCancel() throws InterruptedException {
            for (int i = 0; i < 600 && !cancelled; i++) {
                Thread.sleep(100);
            }
        }
    }

    public final List<Turn> turns = new CopyOnWriteArrayList<>();
    private final MemoryStore store;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    public volatile Script script = turn -> AgentReply.answer(turn.sessionId, "echo: " + turn.message.text());
    /** A fast agent: the script runs before submit returns. */
    public volatile boolean inline;
    /** The store refuses: submit throws this. */
    public volatile RuntimeException refuse;

    public MemoryGateway(MemoryStore store) {
        this.store = store;
    }

    @Override
    public TurnHandle submit(InboundMessage message, ReplySink sink) {
        if (refuse != null) {
            throw refuse;
        }
        Turn turn = new Turn(message, sink);
        turns.add(turn);
        store.ensureSession(turn.sessionId, message.channel(), message.conversationKey());
        store.append(turn.sessionId, ChatMessage.user(message.text()));
        Script current = script;
        Runnable run = () -> {
            try {
                turn.finish(current.run(turn));
            } catch (Exception e) {
                turn.finish(AgentReply.failure(turn.sessionId, "script failed: " + e));
            }
        };
        if (inline) {
            // the turn's frames come from another thread while submit has not returned yet
            threads.execute(run);
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            threads.execute(run);
        }
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

    public void close() {
        threads.shutdownNow();
    }
}
