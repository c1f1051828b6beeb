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
 */
public record ToolContext(
        String sessionId, String channel, Path workspace, Instant deadline, Cancellation cancellation) {

    /** @return the time left until the deadline, never negative */
    public Duration remaining() {
        Duration left = Duration.between(Instant.now(), deadline);
        return left.isNegative() ? Duration.ZERO : left;
    }
}
