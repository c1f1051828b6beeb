package org.openpista.api.session;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Maps conversation keys ({@code cli:local}, {@code web:CLIENT}, {@code telegram:CHAT}) to the
 * session their messages currently go to. A message submitted to the {@link
 * org.openpista.api.channel.AgentGateway} without a session id lands in its conversation's current
 * session. Until a conversation starts or picks another session, its current session is the one
 * named like the conversation key itself. The mapping lives as long as the agent core runs.
 */
@ProviderType
public interface SessionRouter {

    /**
     * @param conversationKey the conversation
     * @return the session its next message goes to
     */
    String currentSession(String conversationKey);

    /**
     * Starts a fresh, empty session for a conversation (a chat's "new conversation" button, the
     * terminal's {@code /new}); later messages of the conversation go there.
     *
     * @param conversationKey the conversation
     * @return the new session's id
     */
    String newSession(String conversationKey);

    /**
     * Points a conversation at an existing (or yet to be created) session.
     *
     * @param conversationKey the conversation
     * @param sessionId the session its messages go to from now on
     */
    void switchSession(String conversationKey, String sessionId);
}
