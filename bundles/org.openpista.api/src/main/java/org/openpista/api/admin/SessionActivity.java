package org.openpista.api.admin;

import java.time.Instant;

/**
 * A session with work in progress.
 *
 * @param sessionId the session
 * @param channel the channel of the running turn, or of the first queued one
 * @param runningSince when the running turn started, or {@code null} when only queued turns wait
 * @param queued how many messages wait behind the running turn
 */
public record SessionActivity(String sessionId, String channel, Instant runningSince, int queued) {}
