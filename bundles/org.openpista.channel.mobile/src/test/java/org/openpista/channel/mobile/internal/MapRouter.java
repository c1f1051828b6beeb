package org.openpista.channel.mobile.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.openpista.api.session.SessionRouter;

/** The agent's session routing in a map: a conversation starts in the session named like it. */
final class MapRouter implements SessionRouter {

    private final Map<String, String> current = new ConcurrentHashMap<>();
    private final AtomicInteger counter = new AtomicInteger();

    @Override
    public String currentSession(String conversationKey) {
        return current.getOrDefault(conversationKey, conversationKey);
    }

    @Override
    public String newSession(String conversationKey) {
        String session = conversationKey + ":" + counter.incrementAndGet();
        current.put(conversationKey, session);
        return session;
    }

    @Override
    public void switchSession(String conversationKey, String sessionId) {
        current.put(conversationKey, sessionId);
    }
}
