package org.openpista.tui.internal;

import java.util.ArrayList;
import java.util.List;
import org.openpista.api.approval.ApprovalDecision;

/**
 * The heart of the UI: {@code update(state, event)} gives the next state and the effects to run.
 * It is a pure function (no clock, no I/O: times come with the events), so every behaviour of the
 * screens is a unit test. Keys of open boxes are handled by {@link OverlayKeys}, slash commands by
 * {@link Commands}.
 */
final class Update {

    /** Lines a page key scrolls by, less than a screen so that some context stays. */
    private static final int PAGE_MARGIN = 8;

    private Update() {}

    static Step update(State state, Event event) {
        if (event instanceof Event.KeyPressed pressed) {
            return key(state.at(pressed.at()), pressed.key());
        }
        if (event instanceof Event.Tick tick) {
            return Step.of(tick(state, tick.at()));
        }
        if (event instanceof Event.Hangup) {
            return Step.of(state.exiting(), new Effect.Quit());
        }
        if (event instanceof Event.Resized resized) {
            return Step.of(state.withSize(resized.width(), resized.height()));
        }
        return Step.of(AgentEvents.apply(state, event));
    }

    private static State tick(State state, long at) {
        boolean flashEnds = !state.flash().isEmpty() && at >= state.flashUntil();
        boolean quitDisarms = state.quitArmedAt() > 0 && at - state.quitArmedAt() > State.QUIT_WINDOW;
        if (!state.busy() && !flashEnds && !quitDisarms) {
            return state;
        }
        State next = state.at(at);
        if (flashEnds) {
            next = next.withFlash("", 0);
        }
        return quitDisarms ? next.withQuitArmedAt(0) : next;
    }

    private static Step key(State state, Key key) {
        if (key.isCtrl('c')) {
            return ctrlC(state);
        }
        State.Approval approval = state.approval();
        if (approval != null) {
            return approvalKey(state, approval, key);
        }
        if (state.overlay() != null) {
            return OverlayKeys.key(state, key);
        }
        return screenKey(state, key);
    }

    private static Step ctrlC(State state) {
        if (state.quitArmedAt() > 0 && state.now() - state.quitArmedAt() <= State.QUIT_WINDOW) {
            return Step.of(state.exiting(), new Effect.Quit());
        }
        return Step.of(state.withInput(Input.EMPTY).withQuitArmedAt(state.now())
                .withFlash("Press Ctrl-C again to quit", state.now() + State.QUIT_WINDOW));
    }

    private static Step approvalKey(State state, State.Approval approval, Key key) {
        ApprovalDecision decision = null;
        if (key.isChar("y") || key.isChar("Y")) {
            decision = ApprovalDecision.APPROVE;
        } else if (key.isChar("n") || key.isChar("N") || key.is(Key.Kind.ESC)) {
            decision = ApprovalDecision.REJECT;
        } else if (key.isChar("a") || key.isChar("A")) {
            decision = ApprovalDecision.ALLOW_FOR_SESSION;
        }
        if (decision == null) {
            return Step.of(state.flashing("answer the question: y allow, n reject, a allow for this session"));
        }
        List<State.Approval> rest = new ArrayList<>(state.approvals());
        rest.remove(0);
        String said = switch (decision) {
            case APPROVE -> "allowed";
            case REJECT -> "rejected";
            case ALLOW_FOR_SESSION -> "allowed for this session";
        };
        State next = state.withApprovals(rest).adding(Entry.notice(said + ": " + approval.tool()));
        return Step.of(next, new Effect.Answer(approval.sessionId(), approval.callId(), decision));
    }

    private static Step screenKey(State state, Key key) {
        List<Commands.Command> palette = Commands.matching(state.input().text());
        switch (key.kind()) {
            case ENTER -> {
                return enter(state, palette);
            }
            case ESC -> {
                if (state.busy() && state.sessionId() != null) {
                    return Step.of(state.flashing("cancelling…"), new Effect.Cancel(state.sessionId()));
                }
                return Step.of(state.input().isEmpty() ? state : state.withInput(Input.EMPTY));
            }
            case TAB, BACKTAB -> {
                return Step.of(Commands.complete(state, key.is(Key.Kind.BACKTAB)));
            }
            case UP, DOWN -> {
                int direction = key.is(Key.Kind.UP) ? -1 : 1;
                if (!palette.isEmpty()) {
                    return Step.of(state.withCompletion(Math.floorMod(state.completion() + direction, palette.size())));
                }
                if (state.screen() == State.Screen.HOME) {
                    int last = Math.min(state.sessions().size(), View.HOME_SESSIONS) - 1;
                    return Step.of(state.withSelected(Math.max(-1, Math.min(last, state.selected() + direction))));
                }
                return Step.of(state.withScroll(state.scroll() - direction));
            }
            case PAGE_UP -> {
                return Step.of(state.withScroll(state.scroll() + page(state)));
            }
            case PAGE_DOWN -> {
                return Step.of(state.withScroll(state.scroll() - page(state)));
            }
            case CTRL -> {
                return ctrlKey(state, key);
            }
            default -> {
                return Step.of(edit(state, key));
            }
        }
    }

    private static int page(State state) {
        return Math.max(1, state.height() - PAGE_MARGIN);
    }

    private static Step ctrlKey(State state, Key key) {
        switch (key.text()) {
            case "s" -> {
                return Commands.sidebar(state);
            }
            case "l" -> {
                return Step.of(state, new Effect.Redraw());
            }
            case "n" -> {
                return Step.of(Commands.newSession(state));
            }
            default -> {
                return Step.of(edit(state, key));
            }
        }
    }

    /** Editing keys of the input box; shared with the boxes that take a line. */
    static State edit(State state, Key key) {
        Input edited = editInput(state.input(), key);
        return edited == state.input() ? state : state.withInput(edited).withSelected(-1);
    }

    static Input editInput(Input input, Key key) {
        return switch (key.kind()) {
            case CHAR, PASTE -> input.insert(key.text());
            case NEWLINE -> input.insert("\n");
            case BACKSPACE -> input.backspace();
            case DELETE -> input.delete();
            case LEFT -> input.left();
            case RIGHT -> input.right();
            case HOME -> input.home();
            case END -> input.end();
            case CTRL -> switch (key.text()) {
                case "a" -> input.home();
                case "e" -> input.end();
                case "u" -> Input.EMPTY;
                case "w" -> input.deleteWord();
                case "d" -> input.delete();
                case "h" -> input.backspace();
                default -> input;
            };
            default -> input;
        };
    }

    private static Step enter(State state, List<Commands.Command> palette) {
        String text = state.input().text();
        if (text.isBlank()) {
            if (state.screen() == State.Screen.HOME && state.selected() >= 0 && state.selected() < state.sessions().size()) {
                return Step.of(state.withSelected(-1), new Effect.OpenSession(state.sessions().get(state.selected()).id()));
            }
            return Step.of(state);
        }
        if (text.startsWith("/")) {
            if (!palette.isEmpty()) {
                Commands.Command chosen = palette.get(Math.floorMod(state.completion(), palette.size()));
                if (!chosen.argument().isEmpty()) {
                    return Step.of(state.withInput(Input.of(chosen.name() + " ")));
                }
                return Commands.run(state, chosen.name());
            }
            return Commands.run(state, text);
        }
        return send(state, text);
    }

    private static Step send(State state, String text) {
        State.Turn turn = state.turn();
        State.Turn next = turn == null ? new State.Turn("", "thinking", 1, state.now())
                : new State.Turn(turn.streamed(), turn.activity(), turn.pending() + 1, turn.since());
        State sent = state.withInput(Input.EMPTY).withScreen(State.Screen.CHAT).adding(Entry.user(text)).withTurn(next)
                .withScroll(0).withSelected(-1);
        return Step.of(sent, new Effect.Send(state.sessionId(), text));
    }
}
