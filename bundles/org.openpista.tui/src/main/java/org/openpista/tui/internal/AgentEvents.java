package org.openpista.tui.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * The part of {@link Update} for what the agent and the backend report: the streamed answer, tool
 * lines, approval questions, sessions, models and logins. Pure, like the rest of it.
 */
final class AgentEvents {

    private AgentEvents() {}

    static State apply(State state, Event event) {
        if (event instanceof Event.Connected connected) {
            return state.withInfo(new State.Info(connected.mode(), connected.provider(), connected.model()));
        }
        if (event instanceof Event.SessionAssigned assigned) {
            return state.sessionId() == null ? state.withSession(assigned.sessionId()) : state;
        }
        if (event instanceof Event.TextDelta delta) {
            if (!shown(state, delta.sessionId())) {
                return state;
            }
            State.Turn turn = turnOf(state);
            return state.withTurn(turn.with(turn.streamed() + delta.text(), "answering"));
        }
        if (event instanceof Event.Progress progress) {
            return shown(state, progress.sessionId()) ? progress(state, progress) : state;
        }
        if (event instanceof Event.Replied replied) {
            return replied(state, replied);
        }
        if (event instanceof Event.UserMessage message) {
            if (!shown(state, message.sessionId())) {
                return state;
            }
            State.Turn turn = state.turn();
            State.Turn next = turn == null ? new State.Turn("", "thinking", 1, state.now())
                    : new State.Turn(turn.streamed(), turn.activity(), turn.pending() + 1, turn.since());
            return state.adding(new Entry(Entry.Kind.USER, message.text(), "", "", message.from())).withTurn(next);
        }
        if (event instanceof Event.ApprovalAsked asked) {
            List<State.Approval> waiting = new ArrayList<>(state.approvals());
            if (waiting.stream().noneMatch(approval -> approval.callId().equals(asked.callId()))) {
                waiting.add(new State.Approval(asked.sessionId(), asked.callId(), asked.tool(), asked.arguments(), asked.note()));
            }
            return state.withApprovals(waiting).withScroll(0);
        }
        if (event instanceof Event.ApprovalResolved resolved) {
            return state.withApprovals(state.approvals().stream()
                    .filter(approval -> !approval.callId().equals(resolved.callId())).toList());
        }
        if (event instanceof Event.Cancelled cancelled) {
            return shown(state, cancelled.sessionId()) ? state.flashing(cancelled.turns() == 0 ? "nothing to cancel"
                    : "cancelled") : state;
        }
        return sessionsAndSettings(state, event);
    }

    private static State sessionsAndSettings(State state, Event event) {
        if (event instanceof Event.SessionsLoaded loaded) {
            return state.withSessions(loaded.sessions());
        }
        if (event instanceof Event.SessionOpened opened) {
            Overlay overlay = state.overlay() instanceof Overlay.Sidebar ? null : state.overlay();
            return state.withSession(opened.sessionId()).withEntries(opened.history()).withScreen(State.Screen.CHAT)
                    .withScroll(0).withTurn(null).withOverlay(overlay).withApprovals(state.approvals().stream()
                            .filter(approval -> approval.sessionId().equals(opened.sessionId())).toList());
        }
        if (event instanceof Event.SessionDeleted deleted) {
            State next = state.withSessions(state.sessions().stream().filter(s -> !s.id().equals(deleted.sessionId())).toList())
                    .flashing("deleted session " + deleted.sessionId());
            return deleted.sessionId().equals(state.sessionId())
                    ? next.withSession(null).withEntries(List.of()).withTurn(null).withScreen(State.Screen.HOME) : next;
        }
        if (event instanceof Event.ModelChanged changed) {
            return state.withInfo(new State.Info(state.info().mode(), changed.provider(), changed.model()))
                    .flashing("model " + changed.provider() + " · " + changed.model());
        }
        if (event instanceof Event.ModelsLoaded loaded) {
            return models(state, loaded);
        }
        if (event instanceof Event.ProvidersLoaded loaded) {
            if (state.overlay() instanceof Overlay.Picker picker && picker.purpose() == Overlay.Picker.Purpose.LOGIN) {
                return state.withOverlay(new Overlay.Picker(picker.purpose(), loaded.providers(), picker.query(), 0, false,
                        loaded.error()));
            }
            return state;
        }
        if (event instanceof Event.LoginStarted started) {
            if (started.needsCode()) {
                return state.withOverlay(new Overlay.Prompt(Overlay.Prompt.Purpose.CODE, "Open this address in a browser and "
                        + "log in:\n" + started.url() + "\nthen paste the code it shows:", Input.EMPTY, false,
                        started.provider(), ""));
            }
            return state.withOverlay(new Overlay.LoginWait(started.provider(), started.url(), started.code()));
        }
        if (event instanceof Event.LoginFinished finished) {
            State closed = state.overlay() instanceof Overlay.LoginWait || state.overlay() instanceof Overlay.Prompt
                    ? state.withOverlay(null) : state;
            return notice(closed, finished.message(), !finished.success());
        }
        if (event instanceof Event.Pairing pairing) {
            if (state.overlay() instanceof Overlay.Pairing shown && shown.channel().equals(pairing.channel())) {
                return state.withOverlay(new Overlay.Pairing(pairing.channel(), pairing.state(), pairing.detail(), pairing.qr()));
            }
            return state;
        }
        if (event instanceof Event.Notice notice) {
            return notice(state, notice.text(), notice.error());
        }
        if (event instanceof Event.Shown shown) {
            return state.withOverlay(new Overlay.TextBox(shown.title(), shown.lines(), 0));
        }
        return state;
    }

    /** A line in the chat, or on the status line of the Home screen. */
    static State notice(State state, String text, boolean error) {
        if (state.screen() == State.Screen.HOME) {
            return state.flashing(text);
        }
        return state.adding(error ? Entry.error(text) : Entry.notice(text)).withScroll(0);
    }

    private static boolean shown(State state, String sessionId) {
        return sessionId != null && sessionId.equals(state.sessionId());
    }

    /** @return the running turn, or one that started elsewhere (a message from the web chat) */
    private static State.Turn turnOf(State state) {
        return state.turn() != null ? state.turn() : new State.Turn("", "thinking", 0, state.now());
    }

    private static State progress(State state, Event.Progress progress) {
        State.Turn turn = turnOf(state);
        switch (progress.kind()) {
            case THINKING -> {
                return state.withTurn(turn.with(turn.streamed(), "thinking"));
            }
            case TOOL_STARTED -> {
                // what the model said before calling the tool stays above the tool's line
                State next = turn.streamed().isBlank() ? state : state.adding(Entry.assistant(turn.streamed()));
                return next.adding(Entry.toolStarted(progress.tool(), progress.callId(), progress.detail()))
                        .withTurn(turn.with("", "running " + progress.tool()));
            }
            default -> {
                boolean failed = progress.kind() == Event.Progress.Kind.TOOL_FAILED;
                List<Entry> entries = new ArrayList<>(state.entries());
                for (int i = entries.size() - 1; i >= 0; i--) {
                    Entry entry = entries.get(i);
                    if (entry.kind() == Entry.Kind.TOOL_RUNNING && entry.callId().equals(progress.callId())) {
                        entries.set(i, entry.finished(failed, progress.detail()));
                        break;
                    }
                }
                return state.withEntries(entries).withTurn(turn.with(turn.streamed(), "thinking"));
            }
        }
    }

    private static State replied(State state, Event.Replied replied) {
        if (!shown(state, replied.sessionId())) {
            return state;
        }
        State.Turn turn = state.turn();
        int pending = turn == null ? 0 : Math.max(0, turn.pending() - 1);
        // a cancelled or failed turn ends with its reason; what was streamed before stays on screen above it
        State kept = replied.error() && turn != null && !turn.streamed().isBlank()
                ? state.adding(Entry.assistant(turn.streamed())) : state;
        State next = kept.adding(replied.error() ? Entry.error(replied.text()) : Entry.assistant(replied.text()));
        if (pending > 0) {
            return next.withTurn(new State.Turn("", "thinking", pending, state.now()));
        }
        return next.withTurn(null).withApprovals(state.approvals().stream()
                .filter(approval -> !approval.sessionId().equals(replied.sessionId())).toList());
    }

    private static State models(State state, Event.ModelsLoaded loaded) {
        if (state.overlay() instanceof Overlay.Picker picker && picker.purpose() == Overlay.Picker.Purpose.MODEL) {
            int current = 0;
            for (int i = 0; i < loaded.models().size(); i++) {
                if (loaded.models().get(i).id().equals(state.info().model())) {
                    current = i;
                }
            }
            return state.withOverlay(new Overlay.Picker(picker.purpose(), loaded.models(), "", current, false, loaded.error()));
        }
        if (state.overlay() instanceof Overlay.TextBox box && box.title().equals("Models")) {
            List<String> lines = new ArrayList<>();
            if (!loaded.error().isEmpty()) {
                lines.add(loaded.error());
            }
            for (Choice model : loaded.models()) {
                lines.add((model.id().equals(state.info().model()) ? "* " : "  ") + model.id()
                        + (model.marked() ? "  (recommended)" : ""));
            }
            lines.add("");
            lines.add("/model NAME switches; /model opens the picker");
            return state.withOverlay(new Overlay.TextBox("Models", lines, 0));
        }
        return state;
    }
}
