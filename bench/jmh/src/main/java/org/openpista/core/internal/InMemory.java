package org.openpista.core.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.openpista.api.channel.InboundMessage;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.memory.ConversationStore;
import org.openpista.api.memory.QueuedMessage;
import org.openpista.api.memory.SessionInfo;
import org.openpista.api.memory.TurnQueue;

/** A store and turn queue in memory: separates the loop's own cost from SQLite's. */
final class InMemory implements ConversationStore, TurnQueue {

    private final Map<String, List<ChatMessage>> messages = new ConcurrentHashMap<>();
    private final Map<Long, QueuedMessage> queued = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    @Override
    public SessionInfo ensureSession(String id, String channel, String conversationKey) {
        messages.computeIfAbsent(id, key -> java.util.Collections.synchronizedList(new ArrayList<>()));
        return new SessionInfo(id, channel, conversationKey, Instant.now(), Instant.now(), 0, "");
    }

    @Override
    public Optional<SessionInfo> session(String id) {
        return Optional.empty();
    }

    @Override
    public List<SessionInfo> sessions(int limit) {
        return List.of();
    }

    @Override
    public void append(String sessionId, ChatMessage message) {
        messages.get(sessionId).add(message);
    }

    @Override
    public List<ChatMessage> history(String sessionId) {
        return List.copyOf(messages.getOrDefault(sessionId, List.of()));
    }

    @Override
    public boolean deleteSession(String sessionId) {
        return messages.remove(sessionId) != null;
    }

    @Override
    public QueuedMessage enqueue(String sessionId, InboundMessage message) {
        QueuedMessage entry = new QueuedMessage(ids.incrementAndGet(), sessionId, message, Instant.now(), false);
        queued.put(entry.id(), entry);
        return entry;
    }

    @Override
    public Start start(long id) {
        QueuedMessage entry = queued.get(id);
        if (entry == null) {
            return Start.GONE;
        }
        ensureSession(entry.sessionId(), entry.message().channel(), entry.message().conversationKey());
        append(entry.sessionId(), ChatMessage.user(entry.message().text()));
        return Start.STARTED;
    }

    @Override
    public void finish(long id) {
        queued.remove(id);
    }

    @Override
    public boolean withdraw(long id) {
        return queued.remove(id) != null;
    }

    @Override
    public List<QueuedMessage> adopt(Collection<String> channels) {
        return List.of();
    }
}
