package org.openpista.core.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.memory.ConversationStore;
import org.openpista.api.memory.SessionInfo;

/** A store in memory: separates the loop's own cost from SQLite's. */
final class InMemory implements ConversationStore {

    private final Map<String, List<ChatMessage>> messages = new ConcurrentHashMap<>();

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
}
