package org.openpista.api.tool;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.openpista.api.chat.Cancellation;

/**
 * Where and for whom a tool call runs.
 *
 * @param sessionId the session of the turn
 * @param channel the channel the turn came from, for example {@code cli} or {@code web}
 * @param workspace the agent's workspace folder; tools that touch files stay inside it
 * @param deadline the latest moment the call may still run; the turn gives up after it
 * @param cancellation cancelled when the user stops the turn or the runtime shuts down
 * @param owner asks the owner of the turn through the channel's approval UI
 */
public record ToolContext(String sessionId, String channel, Path workspace, Instant deadline, Cancellation cancellation,
        OwnerQuestions owner) {

    public ToolContext {
        owner = owner == null ? OwnerQuestions.none() : owner;
    }

    /**
     * A context whose owner cannot be asked ({@link OwnerQuestions#none()}).
     *
     * @param sessionId the session of the turn
     * @param channel the channel the turn came from
     * @param workspace the agent's workspace folder
     * @param deadline the latest moment the call may still run
     * @param cancellation cancelled when the user stops the turn or the runtime shuts down
     */
    public ToolContext(String sessionId, String channel, Path workspace, Instant deadline, Cancellation cancellation) {
        this(sessionId, channel, workspace, deadline, cancellation, OwnerQuestions.none());
    }

    /** @return the time left until the deadline, never negative */
    public Duration remaining() {
        Duration left = Duration.between(Instant.now(), deadline);
        return left.isNegative() ? Duration.ZERO : left;
    }
}
