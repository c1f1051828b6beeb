package org.openpista.api.memory;

import java.util.List;
import java.util.Optional;
import org.openpista.api.chat.ChatMessage;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Persistent memory of sessions and their messages. Every append is committed before it returns,
 * so a crash in the middle of a turn keeps what was said. All methods throw {@link StoreException}
 * when the storage fails.
 */
@ConsumerType
public interface ConversationStore {

    /**
     * Returns the session with this id, creating it when missing.
     *
     * @param id the session id
     * @param channel the channel creating it
     * @param conversationKey the conversation it belongs to
     * @return the session
     */
    SessionInfo ensureSession(String id, String channel, String conversationKey);

    /** @return the session with this id, if stored */
    Optional<SessionInfo> session(String id);

    /**
     * @param limit the most to return
     * @return sessions, most recently updated first
     */
    List<SessionInfo> sessions(int limit);

    /**
     * Stores a message at the end of a session (which must exist) and commits it.
     *
     * @param sessionId the session
     * @param message the message
     */
    void append(String sessionId, ChatMessage message);

    /**
     * Loads a session's messages for the model, oldest first. The history is repaired on the way:
     * a tool call without a stored result (a turn that crashed) gets a synthetic error result, and
     * a tool result without its call is dropped, so providers never see an orphan.
     *
     * @param sessionId the session
     * @return the messages, empty for an unknown session
     */
    List<ChatMessage> history(String sessionId);

    /**
     * @param sessionId the session
     * @return whether it existed and was deleted with its messages
     */
    boolean deleteSession(String sessionId);
}
