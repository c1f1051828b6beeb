package org.openpista.api.observe;

import java.util.Locale;
import java.util.Objects;

/**
 * A decision of the approval policy about one tool call.
 *
 * @param sessionId the session of the turn; never a metric label
 * @param channel the channel of the turn
 * @param tool the tool's name as the model called it
 * @param decision what was decided and how
 */
public record ApprovalEvent(String sessionId, String channel, String tool, Decision decision) {

    public ApprovalEvent {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(tool, "tool");
        Objects.requireNonNull(decision, "decision");
    }

    /** How a call was allowed or refused. */
    public enum Decision {
        /** The policy ({@code approval = "auto"}) lets it run without asking. */
        AUTO,
        /** The owner approved this call. */
        APPROVED,
        /** The owner approved this call and later calls of the tool in the session. */
        ALLOWED_FOR_SESSION,
        /** An earlier "allow for this session" covers it. */
        SESSION_ALLOWED,
        /** The owner refused it. */
        REJECTED,
        /** The policy ({@code approval = "deny"}) refuses every call. */
        DENIED,
        /** The owner could not be asked (the channel cannot ask, the question failed). */
        UNAVAILABLE,
        /** The turn was cancelled while waiting for the owner. */
        CANCELLED;

        /** @return the lower-case name, for labels ({@code auto}, {@code approved}, ...) */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** @return whether the call may run */
        public boolean allows() {
            return this == AUTO || this == APPROVED || this == ALLOWED_FOR_SESSION || this == SESSION_ALLOWED;
        }
    }
}
