package org.openpista.channel.whatsapp.internal;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.openpista.api.channel.AgentGateway;
import org.openpista.api.channel.AgentReply;
import org.openpista.api.channel.InboundMessage;
import org.openpista.api.channel.ReplySink;
import org.openpista.api.channel.TurnHandle;

/**
 * An agent that answers every message at once with what the test's function says (nothing when it
 * says {@code null}: the test answers through the recorded sink), and records the messages.
 */
final class RecordingGateway implements AgentGateway {

    final List<InboundMessage> messages = new CopyOnWriteArrayList<>();
    final List<ReplySink> sinks = new CopyOnWriteArrayList<>();
    private volatile Function<InboundMessage, AgentReply> answer = message ->
            AgentReply.answer(message.conversationKey(), "echo: " + message.text());

    RecordingGateway answering(Function<InboundMessage, AgentReply> answer) {
        this.answer = answer;
        return this;
    }

    @Override
    public TurnHandle submit(InboundMessage message, ReplySink sink) {
        messages.add(message);
        sinks.add(sink);
        AgentReply reply = answer.apply(message);
        if (reply != null) {
            sink.reply(reply);
        }
        return new TurnHandle() {
            @Override
            public String sessionId() {
                return message.conversationKey();
            }

            @Override
            public CompletionStage<AgentReply> completion() {
                return CompletableFuture.completedFuture(reply);
            }

            @Override
            public boolean cancel() {
                return false;
            }
        };
    }

    @Override
    public int cancel(String sessionId) {
        return 0;
    }
}
