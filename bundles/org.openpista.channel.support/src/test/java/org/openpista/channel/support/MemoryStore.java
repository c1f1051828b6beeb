package org.openpista.channel.support;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.chat.Role;
import org.openpista.api.memory.ConversationStore;
import org.openpista.api.memory.SessionInfo;

/**
 * Conversation memory in a map, for tests of a channel alone (the SQLite store has its own). In this
 * bundle's test jar, for the web and mobile channels' tests.
 */
public final class MemoryStore implements ConversationStore {

    private final Map<String, SessionInfo> sessions = new LinkedHashMap<>();
    private final Map<String, List<ChatMessage>> messages = new LinkedHashMap<>();

    @Override
    public synchronized SessionInfo ensureSession(String id, String channel, String conversationKey) {
        return sessions.computeIfAbsent(id, key -> {
            messages.put(key, new ArrayList<>());
            return new SessionInfo(key, channel, conversationKey, Instant.now(), Instant.now(), 0, "");
        });
    }

    @Override
    public synchronized Optional<SessionInfo> session(String id) {
        return Optional.ofNullable(sessions.get(id));
    }

    @Override
    public synchronized List<SessionInfo> sessions(int limit) {
        return sessions.values().stream().sorted(Comparator.comparing(SessionInfo::updatedAt).reversed()).limit(limit).toList();
    }

    @Override
    public synchronized void append(String sessionId, ChatMessage message) {
        SessionInfo info = sessions.get(sessionId);
        if (info == null) {
            throw new IllegalStateException("no session " + sessionId);
        }
        messages.get(sessionId).add(message);
        String preview = message.role() == Role.TOOL ? info.preview() : message.content();
        sessions.put(sessionId, new SessionInfo(sessionId, info.channel(), info.conversationKey(), info.createdAt(),
                Instant.now(), info.messageCount() + 1, preview));
    }

    @Override
    public synchronized List<ChatMessage> history(String sessionId) {
        return List.copyOf(messages.getOrDefault(sessionId, List.of()));
    }

    @Override
    public synchronized boolean deleteSession(String sessionId) {
        messages.remove(sessionId);
        return sessions.remove(sessionId) != null;
    }
}
