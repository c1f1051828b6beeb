package org.openpista.tui.internal;

import org.openpista.api.approval.ApprovalDecision;

/** What {@link Update} asks the outside world to do; the answers come back as {@link Event}s. */
sealed interface Effect {

    /** Sends a message; a {@code null} session starts a new one. */
    record Send(String sessionId, String text) implements Effect {}

    /** Cancels the running and queued turns of a session. */
    record Cancel(String sessionId) implements Effect {}

    /** Answers an approval question. */
    record Answer(String sessionId, String callId, ApprovalDecision decision) implements Effect {}

    /** Reloads the session list. */
    record LoadSessions() implements Effect {}

    /** Shows a session (a new one when the id is {@code null}). */
    record OpenSession(String sessionId) implements Effect {}

    /** Deletes a session. */
    record DeleteSession(String sessionId) implements Effect {}

    /** Gives a session a name of the user's. */
    record RenameSession(String sessionId, String title) implements Effect {}

    /** Lists the models of the provider. */
    record LoadModels() implements Effect {}

    /** Switches the model (an empty provider keeps the current one). */
    record SelectModel(String provider, String model) implements Effect {}

    /** Lists the providers one can log in to. */
    record LoadProviders() implements Effect {}

    /** Stores an API key (and endpoint). */
    record SaveKey(String provider, String key, String endpoint) implements Effect {}

    /** Starts a browser or device login. */
    record StartLogin(String provider) implements Effect {}

    /** Hands over the code a vendor showed. */
    record SubmitCode(String provider, String code) implements Effect {}

    /** Abandons a login in progress. */
    record CancelLogin(String provider) implements Effect {}

    /** Runs a command of the command line ({@code web status}) and shows what it printed. */
    record RunCommand(java.util.List<String> words, String title) implements Effect {}

    /** Shows the web chat's address, as text or as a QR code. */
    record WebInfo(boolean qr) implements Effect {}

    /** Follows (or stops following) a channel's pairing. */
    record WatchPairing(String channel, boolean watch) implements Effect {}

    /** Draws the whole screen again. */
    record Redraw() implements Effect {}

    /** Leaves the UI. */
    record Quit() implements Effect {}
}
