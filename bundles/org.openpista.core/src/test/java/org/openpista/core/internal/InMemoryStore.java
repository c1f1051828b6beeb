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

/** A conversation store in memory, for testing the loop without a database. */
final class InMemoryStore implements ConversationStore {

    final Map<String, List<ChatMessage>> messages = new ConcurrentHashMap<>();
    final Map<String, SessionInfo> sessions = new ConcurrentHashMap<>();

    @Override
    public SessionInfo ensureSession(String id, String channel, String conversationKey) {
        messages.computeIfAbsent(id, key -> java.util.Collections.synchronizedList(new ArrayList<>()));
        return sessions.computeIfAbsent(id, key -> new SessionInfo(id, channel, conversationKey, Instant.now(), Instant.now(), 0, ""));
    }

    @Override
    public Optional<SessionInfo> session(String id) {
        return Optional.ofNullable(sessions.get(id));
    }

    @Override
    public List<SessionInfo> sessions(int limit) {
        return List.copyOf(sessions.values());
    }

    @Override
    public void append(String sessionId, ChatMessage message) {
        List<ChatMessage> list = messages.get(sessionId);
        if (list == null) {
            throw new IllegalStateException("no session " + sessionId);
        }
        list.add(message);
    }

    @Override
    public List<ChatMessage> history(String sessionId) {
        List<ChatMessage> list = messages.get(sessionId);
        return list == null ? List.of() : List.copyOf(list);
    }

    @Override
    public boolean deleteSession(String sessionId) {
        sessions.remove(sessionId);
        return messages.remove(sessionId) != null;
    }
}
