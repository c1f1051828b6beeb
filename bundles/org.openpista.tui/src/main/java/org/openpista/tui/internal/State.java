package org.openpista.tui.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything the screen shows, as an immutable value: {@link Update} makes the next state from it
 * and an {@link Event}, {@link View} draws it.
 *
 * @param screen Home or Chat
 * @param input what is being typed
 * @param entries the conversation shown
 * @param sessionId the session shown, {@code null} before the first message of a new one
 * @param turn the turn running in that session, or {@code null}
 * @param approvals questions waiting for an answer, the first one shown
 * @param overlay what is drawn over the screen, or {@code null}
 * @param scroll how many lines the conversation is scrolled up from its end
 * @param width the terminal's columns
 * @param height the terminal's rows
 * @param info where the agent runs and with which model
 * @param sessions the recent sessions
 * @param selected the recent session chosen on the Home screen, -1 for none
 * @param completion the slash command chosen in the palette
 * @param flash a short message on the status line, or empty
 * @param flashUntil when it goes away
 * @param quitArmedAt when Ctrl-C was pressed once, or 0
 * @param now the time of the latest key or tick
 * @param exit whether the UI ends
 */
record State(
        Screen screen,
        Input input,
        List<Entry> entries,
        String sessionId,
        Turn turn,
        List<Approval> approvals,
        Overlay overlay,
        int scroll,
        int width,
        int height,
        Info info,
        List<SessionSummary> sessions,
        int selected,
        int completion,
        String flash,
        long flashUntil,
        long quitArmedAt,
        long now,
        boolean exit) {

    /** The two screens. */
    enum Screen { HOME, CHAT }

    /** How long Ctrl-C stays armed for the second press that quits. */
    static final long QUIT_WINDOW = 2000;
    /** How long a status-line message stays. */
    static final long FLASH_TIME = 3000;

    /**
     * A running turn.
     *
     * @param streamed the answer so far
     * @param activity what it does: {@code thinking}, {@code running TOOL}, {@code answering}
     * @param pending how many of the user's messages are waiting for their answer
     * @param since when it started
     */
    record Turn(String streamed, String activity, int pending, long since) {
        Turn with(String text, String doing) {
            return new Turn(text, doing, pending, since);
        }
    }

    /** An approval question: the exact call and what the owner should know about the tool. */
    record Approval(String sessionId, String callId, String tool, String arguments, String note) {}

    /**
     * @param mode {@code in-process}, or the daemon it is attached to
     * @param provider the provider in use
     * @param model the model in use
     */
    record Info(String mode, String provider, String model) {}

    State {
        entries = List.copyOf(entries);
        approvals = List.copyOf(approvals);
        sessions = List.copyOf(sessions);
        flash = flash == null ? "" : flash;
    }

    static State initial(int width, int height) {
        return new State(Screen.HOME, Input.EMPTY, List.of(), null, null, List.of(), null, 0, width, height,
                new Info("starting", "", ""), List.of(), -1, 0, "", 0, 0, 0, false);
    }

    State withScreen(Screen value) {
        return new State(value, input, entries, sessionId, turn, approvals, overlay, scroll, width, height, info, sessions,
                selected, completion, flash, flashUntil, quitArmedAt, now, exit);
    }

    State withInput(Input value) {
        return new State(screen, value, entries, sessionId, turn, approvals, overlay, scroll, width, height, info, sessions,
                selected, 0, flash, flashUntil, quitArmedAt, now, exit);
    }

    State withEntries(List<Entry> value) {
        return new State(screen, input, value, sessionId, turn, approvals, overlay, scroll, width, height, info, sessions,
                selected, completion, flash, flashUntil, quitArmedAt, now, exit);
    }

    State adding(Entry entry) {
        List<Entry> more = new ArrayList<>(entries);
        more.add(entry);
        return withEntries(more);
    }

    State withSession(String value) {
        return new State(screen, input, entries, value, turn, approvals, overlay, scroll, width, height, info, sessions,
                selected, completion, flash, flashUntil, quitArmedAt, now, exit);
    }

    State withTurn(Turn value) {
        return new State(screen, input, entries, sessionId, value, approvals, overlay, scroll, width, height, info, sessions,
                selected, completion, flash, flashUntil, quitArmedAt, now, exit);
    }

    State withApprovals(List<Approval> value) {
        return new State(screen, input, entries, sessionId, turn, value, overlay, scroll, width, height, info, sessions,
                selected, completion, flash, flashUntil, quitArmedAt, now, exit);
    }

    State withOverlay(Overlay value) {
        return new State(screen, input, entries, sessionId, turn, approvals, value, scroll, width, height, info, sessions,
                selected, completion, flash, flashUntil, quitArmedAt, now, exit);
    }

    State withScroll(int value) {
        return new State(screen, input, entries, sessionId, turn, approvals, overlay, Math.max(0, value), width, height, info,
                sessions, selected, completion, flash, flashUntil, quitArmedAt, now, exit);
    }

    State withSize(int columns, int rows) {
        return new State(screen, input, entries, sessionId, turn, approvals, overlay, scroll, columns, rows, info, sessions,
                selected, completion, flash, flashUntil, quitArmedAt, now, exit);
    }

    State withInfo(Info value) {
        return new State(screen, input, entries, sessionId, turn, approvals, overlay, scroll, width, height, value, sessions,
                selected, completion, flash, flashUntil, quitArmedAt, now, exit);
    }

    State withSessions(List<SessionSummary> value) {
        return new State(screen, input, entries, sessionId, turn, approvals, overlay, scroll, width, height, info, value,
                Math.min(selected, value.size() - 1), completion, flash, flashUntil, quitArmedAt, now, exit);
    }

    State withSelected(int value) {
        return new State(screen, input, entries, sessionId, turn, approvals, overlay, scroll, width, height, info, sessions,
                value, completion, flash, flashUntil, quitArmedAt, now, exit);
    }

    State withCompletion(int value) {
        return new State(screen, input, entries, sessionId, turn, approvals, overlay, scroll, width, height, info, sessions,
                selected, value, flash, flashUntil, quitArmedAt, now, exit);
    }

    /** @return the state with a message on the status line for a few seconds */
    State flashing(String message) {
        return new State(screen, input, entries, sessionId, turn, approvals, overlay, scroll, width, height, info, sessions,
                selected, completion, message, now + FLASH_TIME, quitArmedAt, now, exit);
    }

    State withFlash(String message, long until) {
        return new State(screen, input, entries, sessionId, turn, approvals, overlay, scroll, width, height, info, sessions,
                selected, completion, message, until, quitArmedAt, now, exit);
    }

    State withQuitArmedAt(long value) {
        return new State(screen, input, entries, sessionId, turn, approvals, overlay, scroll, width, height, info, sessions,
                selected, completion, flash, flashUntil, value, now, exit);
    }

    State at(long time) {
        return new State(screen, input, entries, sessionId, turn, approvals, overlay, scroll, width, height, info, sessions,
                selected, completion, flash, flashUntil, quitArmedAt, time, exit);
    }

    State exiting() {
        return new State(screen, input, entries, sessionId, turn, approvals, overlay, scroll, width, height, info, sessions,
                selected, completion, flash, flashUntil, quitArmedAt, now, true);
    }

    /** @return the approval question to show: the first one of the session shown, or of any session */
    Approval approval() {
        return approvals.isEmpty() ? null : approvals.get(0);
    }

    boolean busy() {
        return turn != null;
    }
}
