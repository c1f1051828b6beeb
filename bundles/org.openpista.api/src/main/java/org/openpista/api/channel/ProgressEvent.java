package org.openpista.api.channel;

/**
 * Something happened during a turn that the channel may show (a tool starting, a tool finishing).
 *
 * @param sessionId the session of the turn
 * @param kind what happened
 * @param toolName the tool concerned, or {@code null}
 * @param callId the tool call concerned, or {@code null}
 * @param detail a short human-readable detail (arguments, first line of output), may be empty
 */
public record ProgressEvent(String sessionId, Kind kind, String toolName, String callId, String detail) {

    /** What happened. */
    public enum Kind {
        /** The model is being asked. */
        THINKING,
        /** A tool call starts. */
        TOOL_STARTED,
        /** A tool call finished successfully. */
        TOOL_FINISHED,
        /** A tool call failed or was refused. */
        TOOL_FAILED
    }

    public ProgressEvent {
        detail = detail == null ? "" : detail;
    }
}
