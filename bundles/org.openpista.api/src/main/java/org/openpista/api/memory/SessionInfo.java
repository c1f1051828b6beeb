package org.openpista.api.memory;

import java.time.Instant;

/**
 * A stored session.
 *
 * @param id the session id, for example {@code cli:work} or {@code web:CLIENT}
 * @param channel the channel that created it
 * @param conversationKey the conversation it belongs to
 * @param createdAt when it was created
 * @param updatedAt when its last message was stored
 * @param messageCount how many messages it holds
 * @param preview the start of its most recent user or assistant text, for lists
 */
public record SessionInfo(
        String id,
        String channel,
        String conversationKey,
        Instant createdAt,
        Instant updatedAt,
        long messageCount,
        String preview) {}
