package org.openpista.tui.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The slash commands: the list the palette shows, Tab completion, and what each one does. A line
 * that starts with {@code /} is always a command, never a message to the model.
 */
final class Commands {

    /**
     * A command as the palette lists it.
     *
     * @param name the words to type, for example {@code /model list}
     * @param argument what follows them, for example {@code <id>}, or empty
     * @param help one line for the palette and {@code /help}
     */
    record Command(String name, String argument, String help) {}

    static final List<Command> ALL = List.of(
            new Command("/help", "", "what the keys and commands do"),
            new Command("/login", "", "log in to a provider (type to search)"),
            new Command("/connection", "", "the same as /login"),
            new Command("/model", "", "choose the model (type to search)"),
            new Command("/model list", "", "list the models of the provider"),
            new Command("/session", "", "the sessions: load, new, delete, rename"),
            new Command("/session new", "", "start a new session"),
            new Command("/session load", "<id>", "show an earlier session"),
            new Command("/session delete", "<id>", "delete a session and its messages"),
            new Command("/clear", "", "clear the screen (the session keeps its messages)"),
            new Command("/web", "", "the web chat's address"),
            new Command("/web setup", "", "turn the web chat on in config.toml"),
            new Command("/qr", "", "the web chat's address as a QR code"),
            new Command("/whatsapp", "", "pair WhatsApp with the QR code"),
            new Command("/whatsapp status", "", "WhatsApp's state"),
            new Command("/telegram", "", "set the Telegram bot token"),
            new Command("/telegram status", "", "Telegram's state"),
            new Command("/usage", "", "tokens and cost; /usage 30d session: by session, 30 days"),
            new Command("/quit", "", "leave openpista"),
            new Command("/exit", "", "leave openpista"));

    private Commands() {}

    /** @return the commands the palette offers for what was typed; empty when it is no command being typed */
    static List<Command> matching(String typed) {
        if (!typed.startsWith("/") || typed.contains("\n")) {
            return List.of();
        }
        String wanted = typed.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
        return ALL.stream().filter(command -> command.name().startsWith(wanted)).toList();
    }

    /**
     * Tab: completes the command (or the session id of {@code /session load|delete}) as far as it is
     * unambiguous; when it already is, moves the palette's choice to the next command.
     *
     * @param backwards Shift-Tab
     */
    static State complete(State state, boolean backwards) {
        String typed = state.input().text();
        if (typed.isEmpty()) {
            return state.withInput(Input.of("/"));
        }
        String lower = typed.toLowerCase(Locale.ROOT);
        for (String prefix : List.of("/session load ", "/session delete ")) {
            if (lower.startsWith(prefix)) {
                return completeSession(state, typed.substring(0, prefix.length()), typed.substring(prefix.length()));
            }
        }
        List<Command> found = matching(typed);
        if (found.isEmpty()) {
            return state;
        }
        String common = commonPrefix(found.stream().map(Command::name).toList());
        if (common.length() > typed.length()) {
            return state.withInput(Input.of(withSpace(common, found)));
        }
        return state.withCompletion(Math.floorMod(state.completion() + (backwards ? -1 : 1), found.size()));
    }

    private static String withSpace(String common, List<Command> found) {
        // a whole command that takes an argument gets the space after it, so the argument comes next
        return found.size() == 1 && !found.get(0).argument().isEmpty() ? common + " " : common;
    }

    private static State completeSession(State state, String command, String partial) {
        List<String> ids = state.sessions().stream().map(SessionSummary::id).filter(id -> id.startsWith(partial)).toList();
        if (ids.isEmpty()) {
            return state.flashing("no session starts with \"" + partial + "\"");
        }
        String common = commonPrefix(ids);
        if (common.length() > partial.length() || ids.size() == 1) {
            return state.withInput(Input.of(command + common));
        }
        String next = ids.get(Math.floorMod(state.completion() + 1, ids.size()));
        return state.withInput(Input.of(command + next)).withCompletion(state.completion() + 1);
    }

    static String commonPrefix(List<String> words) {
        String common = words.get(0);
        for (String word : words) {
            int i = 0;
            while (i < common.length() && i < word.length() && common.charAt(i) == word.charAt(i)) {
                i++;
            }
            common = common.substring(0, i);
        }
        return common;
    }

    /** Runs a command line that starts with {@code /}. */
    static Step run(State before, String line) {
        State state = before.withInput(Input.EMPTY);
        String[] words = line.strip().split("\\s+");
        String first = words[0].toLowerCase(Locale.ROOT);
        String second = words.length > 1 ? words[1].toLowerCase(Locale.ROOT) : "";
        String third = words.length > 2 ? line.strip().substring(line.strip().indexOf(words[2], first.length() + second.length()))
                : "";
        switch (first) {
            case "/help" -> {
                return Step.of(state.withOverlay(new Overlay.TextBox("Help", help(), 0)));
            }
            case "/login", "/connection" -> {
                return Step.of(state.withOverlay(Overlay.Picker.loading(Overlay.Picker.Purpose.LOGIN)), new Effect.LoadProviders());
            }
            case "/model" -> {
                if (second.isEmpty()) {
                    return Step.of(state.withOverlay(Overlay.Picker.loading(Overlay.Picker.Purpose.MODEL)), new Effect.LoadModels());
                }
                if (words.length > 2) {
                    // "/model list please" is no model called "list"; a model name is one word
                    return Step.of(state.flashing("use /model, /model list or /model NAME"));
                }
                if (second.equals("list")) {
                    return Step.of(state.withOverlay(new Overlay.TextBox("Models", List.of("loading…"), 0)), new Effect.LoadModels());
                }
                return Step.of(state, new Effect.SelectModel("", words[1]));
            }
            case "/session", "/new" -> {
                return session(state, first.equals("/new") ? "new" : second, words.length > 2 ? words[2] : "", words.length);
            }
            case "/clear" -> {
                return Step.of(state.withEntries(List.of()).withScroll(0).flashing("cleared; the session keeps its messages"));
            }
            case "/quit", "/exit" -> {
                return Step.of(state.exiting(), new Effect.Quit());
            }
            case "/web" -> {
                if (second.equals("setup")) {
                    return Step.of(state, new Effect.RunCommand(List.of("web", "setup", "--enable", "--yes"), "Web chat setup"));
                }
                return second.isEmpty() ? Step.of(state, new Effect.WebInfo(false)) : unknown(state, line);
            }
            case "/usage" -> {
                return Step.of(state, new Effect.RunCommand(usage(words), "Usage"));
            }
            case "/qr" -> {
                return Step.of(state, new Effect.WebInfo(true));
            }
            case "/whatsapp" -> {
                if (second.equals("status")) {
                    return Step.of(state, new Effect.RunCommand(List.of("whatsapp", "status"), "WhatsApp"));
                }
                return second.isEmpty() || second.equals("setup")
                        ? Step.of(state.withOverlay(new Overlay.Pairing("whatsapp", "asking the daemon…", "", List.of())),
                                new Effect.WatchPairing("whatsapp", true))
                        : unknown(state, line);
            }
            case "/telegram" -> {
                if (second.equals("status")) {
                    return Step.of(state, new Effect.RunCommand(List.of("telegram", "status"), "Telegram"));
                }
                if (second.equals("setup") && !third.isEmpty()) {
                    return Step.of(state, new Effect.RunCommand(List.of("telegram", "setup", "--token", third), "Telegram setup"));
                }
                return second.isEmpty() || second.equals("setup")
                        ? Step.of(state.withOverlay(new Overlay.Prompt(Overlay.Prompt.Purpose.TELEGRAM_TOKEN,
                                "Telegram bot token (from @BotFather); it is checked with getMe before it is saved:",
                                Input.EMPTY, true, "telegram", "")))
                        : unknown(state, line);
            }
            default -> {
                return unknown(state, line);
            }
        }
    }

    /**
     * @return {@code usage} with the options of {@code openpista usage}; a bare period ({@code 30d}) is
     *     {@code --since}, a bare group ({@code session}) is {@code --by}
     */
    static List<String> usage(String[] words) {
        List<String> command = new ArrayList<>(List.of("usage"));
        for (int i = 1; i < words.length; i++) {
            String word = words[i];
            String lower = word.toLowerCase(Locale.ROOT);
            boolean optionValue = words[i - 1].startsWith("--");
            if (optionValue || lower.startsWith("-")) {
                command.add(word);
            } else if (lower.matches("\\d+[mhdw]|\\d{4}-\\d{2}-\\d{2}")) {
                command.addAll(List.of("--since", word));
            } else if (List.of("model", "provider", "session", "channel").contains(lower)) {
                command.addAll(List.of("--by", lower));
            } else {
                command.add(word);
            }
        }
        return command;
    }

    private static Step session(State state, String verb, String id, int count) {
        switch (verb) {
            case "" -> {
                return sidebar(state);
            }
            case "new" -> {
                return Step.of(newSession(state));
            }
            case "load" -> {
                return id.isEmpty() || count > 3 ? Step.of(state.flashing("use /session load <id> (Tab completes the id)"))
                        : Step.of(state, new Effect.OpenSession(id));
            }
            case "delete" -> {
                return id.isEmpty() || count > 3 ? Step.of(state.flashing("use /session delete <id> (Tab completes the id)"))
                        : Step.of(state.withOverlay(new Overlay.Confirm("Delete session " + id + " and all its messages?",
                                new Effect.DeleteSession(id))));
            }
            default -> {
                return Step.of(state.flashing("use /session, /session new, /session load <id> or /session delete <id>"));
            }
        }
    }

    /** Opens the sessions sidebar on the session shown, and reloads the list. */
    static Step sidebar(State state) {
        return Step.of(state.withOverlay(new Overlay.Sidebar(Math.max(0, indexOf(state, state.sessionId())),
                Overlay.Sidebar.Mode.LIST, Input.EMPTY)), new Effect.LoadSessions());
    }

    /** @return the chat screen with a new, empty session: the first message creates it */
    static State newSession(State state) {
        return state.withSession(null).withEntries(List.of()).withTurn(null).withScroll(0).withScreen(State.Screen.CHAT)
                .withOverlay(null).flashing("new session: type a message");
    }

    static int indexOf(State state, String sessionId) {
        for (int i = 0; i < state.sessions().size(); i++) {
            if (state.sessions().get(i).id().equals(sessionId)) {
                return i;
            }
        }
        return -1;
    }

    private static Step unknown(State state, String line) {
        String shown = line.strip().length() > 40 ? line.strip().substring(0, 40) + "…" : line.strip();
        return Step.of(state.flashing("unknown command " + shown + "; /help lists them"));
    }

    static List<String> help() {
        List<String> lines = new ArrayList<>(List.of(
                "Keys",
                "  Enter            send the message (a line starting with / is a command)",
                "  Alt-Enter, Ctrl-J  a new line in the message",
                "  Esc              cancel the running answer; close a box",
                "  Tab              complete a command (the palette), a session id",
                "  ↑/↓              move in lists; scroll the chat",
                "  PgUp/PgDn        scroll the chat",
                "  Ctrl-S           the sessions sidebar",
                "  Ctrl-L           draw the screen again",
                "  Ctrl-C twice     leave",
                "  y / n / a        allow, reject, allow for this session (approval questions)",
                "",
                "Commands"));
        for (Command command : ALL) {
            String name = command.argument().isEmpty() ? command.name() : command.name() + " " + command.argument();
            lines.add("  " + String.format("%-22s %s", name, command.help()));
        }
        return lines;
    }
}
