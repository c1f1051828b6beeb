package org.openpista.channel.support;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.openpista.api.approval.ApprovalDecision;
import org.openpista.api.approval.ApprovalRequest;
import org.openpista.api.channel.AgentGateway;
import org.openpista.api.channel.AgentReply;
import org.openpista.api.channel.InboundMessage;
import org.openpista.api.channel.ReplySink;
import org.openpista.api.channel.TurnHandle;

/**
 * A stand-in for the agent core in the tests of the chat channels (Slack, Discord, Telegram): records
 * what it is given and answers by a script, one turn at a time per conversation. In this bundle's test jar.
 */
public final class ScriptedGateway implements AgentGateway {
    public final List<InboundMessage> received = new CopyOnWriteArrayList<>();
    /** The sessions {@link #cancel(String)} was asked to stop. */
    public final List<String> cancelled = new CopyOnWriteArrayList<>();
    /** When set, submit refuses every message with this, as the agent refuses an attachment. */
    public volatile String refuse;
    private final Map<String, ExecutorService> lanes = new ConcurrentHashMap<>();
    private final AtomicInteger counter = new AtomicInteger();
    private volatile BiFunction<InboundMessage, ReplySink, AgentReply> script =
            (message, sink) -> AgentReply.answer(message.conversationKey(), "echo: " + message.text());

    /** Answers the next messages with this script. */
    public void answer(BiFunction<InboundMessage, ReplySink, AgentReply> next) {
        this.script = next;
    }

    /**
     * Answers the next messages as the agent does with a tool call that needs approval: it asks, waits
     * for the user's decision and answers {@code decided: <decision>} in session {@code s}.
     *
     * @return the decision, once the user made it
     */
    public CompletableFuture<ApprovalDecision> answerAfterApproval(ApprovalRequest request) {
        CompletableFuture<ApprovalDecision> decided = new CompletableFuture<>();
        answer((message, sink) -> {
            ApprovalDecision decision = sink.requestApproval(request).toCompletableFuture().join();
            decided.complete(decision);
            return AgentReply.answer("s", "decided: " + decision.wireName());
        });
        return decided;
    }

    /** @return the texts handed over, in order */
    public List<String> texts() {
        return received.stream().map(InboundMessage::text).toList();
    }

    @Override
    public TurnHandle submit(InboundMessage message, ReplySink sink) {
        if (refuse != null) {
            throw new IllegalArgumentException(refuse);
        }
        received.add(message);
        String session = message.conversationKey() + "#" + counter.incrementAndGet();
        CompletableFuture<AgentReply> done = new CompletableFuture<>();
        lanes.computeIfAbsent(message.conversationKey(), key -> Executors.newSingleThreadExecutor()).execute(() -> {
            AgentReply reply;
            try {
                reply = script.apply(message, sink);
            } catch (RuntimeException e) {
                reply = AgentReply.failure(session, "cancelled");
            }
            sink.reply(reply);
            done.complete(reply);
        });
        return new TurnHandle() {
            @Override
            public String sessionId() {
                return session;
            }

            @Override
            public CompletionStage<AgentReply> completion() {
                return done;
            }

            @Override
            public boolean cancel() {
                return false;
            }
        };
    }

    @Override
    public int cancel(String sessionId) {
        cancelled.add(sessionId);
        return 1;
    }

    /** Stops the conversations' threads. */
    public void close() {
        lanes.values().forEach(ExecutorService::shutdownNow);
    }
}
