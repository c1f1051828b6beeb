package org.openpista.tui.internal;

import java.util.ArrayList;
import java.util.List;

/** The keys of the boxes drawn over the screen: sidebar, pickers, prompts, questions, text boxes. */
final class OverlayKeys {

    private OverlayKeys() {}

    static Step key(State state, Key key) {
        Overlay overlay = state.overlay();
        if (overlay instanceof Overlay.Sidebar sidebar) {
            return sidebar(state, sidebar, key);
        }
        if (overlay instanceof Overlay.Picker picker) {
            return picker(state, picker, key);
        }
        if (overlay instanceof Overlay.Prompt prompt) {
            return prompt(state, prompt, key);
        }
        if (overlay instanceof Overlay.Confirm confirm) {
            if (key.isChar("y") || key.isChar("Y")) {
                return Step.of(state.withOverlay(null), confirm.onYes());
            }
            return Step.of(key.isChar("n") || key.isChar("N") || key.is(Key.Kind.ESC) ? state.withOverlay(null)
                    : state.flashing("y to confirm, n to keep it"));
        }
        if (overlay instanceof Overlay.LoginWait wait) {
            return key.is(Key.Kind.ESC) ? Step.of(state.withOverlay(null).flashing("login cancelled"),
                    new Effect.CancelLogin(wait.provider())) : Step.of(state);
        }
        if (overlay instanceof Overlay.Pairing pairing) {
            return closing(key) ? Step.of(state.withOverlay(null), new Effect.WatchPairing(pairing.channel(), false))
                    : Step.of(state);
        }
        if (overlay instanceof Overlay.TextBox box) {
            return textBox(state, box, key);
        }
        return Step.of(state.withOverlay(null));
    }

    private static boolean closing(Key key) {
        return key.is(Key.Kind.ESC) || key.is(Key.Kind.ENTER) || key.isChar("q");
    }

    private static Step textBox(State state, Overlay.TextBox box, Key key) {
        if (closing(key)) {
            return Step.of(state.withOverlay(null));
        }
        int page = Math.max(1, state.height() - 8);
        int delta = switch (key.kind()) {
            case UP -> -1;
            case DOWN -> 1;
            case PAGE_UP -> -page;
            case PAGE_DOWN -> page;
            default -> 0;
        };
        int scroll = Math.max(0, Math.min(box.lines().size() - 1, box.scroll() + delta));
        return Step.of(state.withOverlay(new Overlay.TextBox(box.title(), box.lines(), scroll)));
    }

    private static Step sidebar(State state, Overlay.Sidebar sidebar, Key key) {
        List<SessionSummary> sessions = state.sessions();
        SessionSummary current = sidebar.cursor() < sessions.size() ? sessions.get(sidebar.cursor()) : null;
        switch (sidebar.mode()) {
            case CONFIRM_DELETE -> {
                if ((key.isChar("y") || key.isChar("Y")) && current != null) {
                    return Step.of(state.withOverlay(new Overlay.Sidebar(sidebar.cursor(), Overlay.Sidebar.Mode.LIST, Input.EMPTY)),
                            new Effect.DeleteSession(current.id()));
                }
                return Step.of(state.withOverlay(new Overlay.Sidebar(sidebar.cursor(), Overlay.Sidebar.Mode.LIST, Input.EMPTY)));
            }
            case RENAME -> {
                if (key.is(Key.Kind.ESC)) {
                    return Step.of(state.withOverlay(new Overlay.Sidebar(sidebar.cursor(), Overlay.Sidebar.Mode.LIST, Input.EMPTY)));
                }
                if (key.is(Key.Kind.ENTER) && current != null) {
                    String name = sidebar.name().text().strip();
                    List<SessionSummary> renamed = new ArrayList<>(sessions);
                    renamed.set(sidebar.cursor(), current.titled(name));
                    return Step.of(state.withSessions(renamed).withOverlay(new Overlay.Sidebar(sidebar.cursor(),
                            Overlay.Sidebar.Mode.LIST, Input.EMPTY)), new Effect.RenameSession(current.id(), name));
                }
                Input edited = Update.editInput(sidebar.name(), key.is(Key.Kind.NEWLINE) ? Key.of(Key.Kind.UNKNOWN) : key);
                return Step.of(state.withOverlay(new Overlay.Sidebar(sidebar.cursor(), sidebar.mode(), edited)));
            }
            default -> {
                return sidebarList(state, sidebar, current, key);
            }
        }
    }

    private static Step sidebarList(State state, Overlay.Sidebar sidebar, SessionSummary current, Key key) {
        int last = Math.max(0, state.sessions().size() - 1);
        switch (key.kind()) {
            case ESC -> {
                return Step.of(state.withOverlay(null));
            }
            case UP -> {
                return Step.of(state.withOverlay(sidebar.at(Math.max(0, sidebar.cursor() - 1))));
            }
            case DOWN -> {
                return Step.of(state.withOverlay(sidebar.at(Math.min(last, sidebar.cursor() + 1))));
            }
            case PAGE_UP, HOME -> {
                return Step.of(state.withOverlay(sidebar.at(0)));
            }
            case PAGE_DOWN, END -> {
                return Step.of(state.withOverlay(sidebar.at(last)));
            }
            case ENTER -> {
                return current == null ? Step.of(state.withOverlay(null))
                        : Step.of(state.withOverlay(null), new Effect.OpenSession(current.id()));
            }
            case CTRL -> {
                return key.isCtrl('s') ? Step.of(state.withOverlay(null)) : Step.of(state);
            }
            default -> {
                if (key.isChar("n")) {
                    return Step.of(Commands.newSession(state));
                }
                if (key.isChar("d") && current != null) {
                    return Step.of(state.withOverlay(new Overlay.Sidebar(sidebar.cursor(), Overlay.Sidebar.Mode.CONFIRM_DELETE,
                            Input.EMPTY)));
                }
                if (key.isChar("r") && current != null) {
                    return Step.of(state.withOverlay(new Overlay.Sidebar(sidebar.cursor(), Overlay.Sidebar.Mode.RENAME,
                            Input.of(current.title()))));
                }
                return Step.of(state);
            }
        }
    }

    private static Step picker(State state, Overlay.Picker picker, Key key) {
        List<Choice> shown = picker.matching();
        int last = Math.max(0, shown.size() - 1);
        switch (key.kind()) {
            case ESC -> {
                return Step.of(state.withOverlay(null));
            }
            case UP -> {
                return Step.of(state.withOverlay(picker.at(Math.max(0, picker.cursor() - 1))));
            }
            case DOWN -> {
                return Step.of(state.withOverlay(picker.at(Math.min(last, picker.cursor() + 1))));
            }
            case PAGE_UP, HOME -> {
                return Step.of(state.withOverlay(picker.at(0)));
            }
            case PAGE_DOWN, END -> {
                return Step.of(state.withOverlay(picker.at(last)));
            }
            case BACKSPACE -> {
                String query = picker.query();
                return Step.of(state.withOverlay(picker.searching(query.isEmpty() ? query
                        : query.substring(0, query.offsetByCodePoints(query.length(), -1)))));
            }
            case CHAR, PASTE -> {
                return Step.of(state.withOverlay(picker.searching(picker.query() + key.text().replace("\n", ""))));
            }
            case CTRL -> {
                return Step.of(key.isCtrl('u') ? state.withOverlay(picker.searching("")) : state);
            }
            case ENTER -> {
                if (shown.isEmpty()) {
                    return Step.of(state);
                }
                return chosen(state, picker.purpose(), shown.get(Math.min(picker.cursor(), last)));
            }
            default -> {
                return Step.of(state);
            }
        }
    }

    private static Step chosen(State state, Overlay.Picker.Purpose purpose, Choice choice) {
        if (purpose == Overlay.Picker.Purpose.MODEL) {
            return Step.of(state.withOverlay(null), new Effect.SelectModel(choice.mode(), choice.id()));
        }
        switch (choice.mode()) {
            case "none" -> {
                return Step.of(AgentEvents.notice(state.withOverlay(null), choice.label() + " needs no login", false));
            }
            case "api_key" -> {
                return Step.of(state.withOverlay(new Overlay.Prompt(Overlay.Prompt.Purpose.API_KEY, "API key for " + choice.label()
                        + " (not shown while typed):", Input.EMPTY, true, choice.id(), "")));
            }
            case "endpoint_and_key" -> {
                String label = choice.id().equals("bedrock") ? "AWS region (for example us-east-1):" : "Endpoint (API root URL):";
                return Step.of(state.withOverlay(new Overlay.Prompt(Overlay.Prompt.Purpose.ENDPOINT, label, Input.EMPTY, false,
                        choice.id(), "")));
            }
            default -> {
                return Step.of(state.withOverlay(new Overlay.LoginWait(choice.id(), "", "")), new Effect.StartLogin(choice.id()));
            }
        }
    }

    private static Step prompt(State state, Overlay.Prompt prompt, Key key) {
        if (key.is(Key.Kind.ESC)) {
            State closed = state.withOverlay(null);
            return prompt.purpose() == Overlay.Prompt.Purpose.CODE
                    ? Step.of(closed.flashing("login cancelled"), new Effect.CancelLogin(prompt.provider()))
                    : Step.of(closed);
        }
        if (!key.is(Key.Kind.ENTER)) {
            Key typed = key.is(Key.Kind.NEWLINE) ? Key.of(Key.Kind.UNKNOWN)
                    : key.is(Key.Kind.PASTE) ? new Key(Key.Kind.PASTE, key.text().strip()) : key;
            return Step.of(state.withOverlay(prompt.with(Update.editInput(prompt.input(), typed))));
        }
        String answer = prompt.input().text().strip();
        if (answer.isEmpty()) {
            return Step.of(state.flashing("type the answer, or Esc to cancel"));
        }
        switch (prompt.purpose()) {
            case ENDPOINT -> {
                return Step.of(state.withOverlay(new Overlay.Prompt(Overlay.Prompt.Purpose.API_KEY, "API key for "
                        + prompt.provider() + " (not shown while typed):", Input.EMPTY, true, prompt.provider(), answer)));
            }
            case API_KEY -> {
                return Step.of(state.withOverlay(null), new Effect.SaveKey(prompt.provider(), answer, prompt.endpoint()));
            }
            case CODE -> {
                return Step.of(state.withOverlay(new Overlay.LoginWait(prompt.provider(), "", "")),
                        new Effect.SubmitCode(prompt.provider(), answer));
            }
            default -> {
                return Step.of(state.withOverlay(null), new Effect.RunCommand(List.of("telegram", "setup", "--token", answer),
                        "Telegram setup"));
            }
        }
    }
}
