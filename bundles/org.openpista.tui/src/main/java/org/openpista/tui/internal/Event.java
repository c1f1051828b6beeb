package org.openpista.tui.internal;

import java.util.List;

/** Everything that can change what the screen shows: keys, the terminal, and what the agent does. */
sealed interface Event {

    /** A key was pressed at a moment (milliseconds since the epoch). */
    record KeyPressed(Key key, long at) implements Event {}

    /** The terminal's input ended (the terminal went away). */
    record Hangup() implements Event {}

    /** The terminal has a new size. */
    record Resized(int width, int height) implements Event {}

    /** Time passed: the thinking indicator turns, messages on the status line expire. */
    record Tick(long at) implements Event {}

    /** Where the agent runs: {@code in-process} or attached to a daemon. */
    record Connected(String mode, String provider, String model) implements Event {}

    /** A message without a session got one (a new session). */
    record SessionAssigned(String sessionId) implements Event {}

    /** A piece of the answer, as the model streams it. */
    record TextDelta(String sessionId, String text) implements Event {}

    /** The turn is thinking, or a tool started or ended. */
    record Progress(String sessionId, Kind kind, String tool, String callId, String detail) implements Event {
        /** What happened. */
        enum Kind { THINKING, TOOL_STARTED, TOOL_FINISHED, TOOL_FAILED }
    }

    /** The turn ended with an answer or an error. */
    record Replied(String sessionId, String text, boolean error) implements Event {}

    /** A message sent to the session elsewhere (the web chat, another terminal). */
    record UserMessage(String sessionId, String text, String from) implements Event {}

    /** The agent asks whether a tool call may run. */
    record ApprovalAsked(String sessionId, String callId, String tool, String arguments, String note) implements Event {}

    /** A question was answered (maybe elsewhere) or ended. */
    record ApprovalResolved(String callId) implements Event {}

    /** Turns of a session were cancelled. */
    record Cancelled(String sessionId, int turns) implements Event {}

    /** The list of sessions, most recent first. */
    record SessionsLoaded(List<SessionSummary> sessions) implements Event {}

    /** A session is shown now, with its messages. */
    record SessionOpened(String sessionId, List<Entry> history) implements Event {}

    /** A session was deleted. */
    record SessionDeleted(String sessionId) implements Event {}

    /** The model in use changed. */
    record ModelChanged(String provider, String model) implements Event {}

    /** The models the provider offers, or why there are none. */
    record ModelsLoaded(List<Choice> models, String error) implements Event {}

    /** The providers one can log in to. */
    record ProvidersLoaded(List<Choice> providers, String error) implements Event {}

    /** A browser or device login started: the URL to open and the code to enter. */
    record LoginStarted(String provider, String url, String code, boolean needsCode) implements Event {}

    /** A login ended. */
    record LoginFinished(String provider, boolean success, String message) implements Event {}

    /** A channel's pairing state (WhatsApp's QR code). */
    record Pairing(String channel, String state, String detail, List<String> qr) implements Event {}

    /** A line for the user: what a command did, or what went wrong. */
    record Notice(String text, boolean error) implements Event {}

    /** Text to show in a box over the chat (a QR code, a command's output). */
    record Shown(String title, List<String> lines) implements Event {}
}
