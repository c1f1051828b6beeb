package org.openpista.tui.internal;

import java.util.List;
import java.util.Locale;

/** What is drawn over the screen and takes the keys while it is open. */
sealed interface Overlay {

    /** The sessions sidebar: move, load, new, delete (with confirmation), rename. */
    record Sidebar(int cursor, Mode mode, Input name) implements Overlay {
        /** What the sidebar is doing. */
        enum Mode { LIST, CONFIRM_DELETE, RENAME }

        Sidebar at(int position) {
            return new Sidebar(position, mode, name);
        }
    }

    /** A list to choose from, narrowed by typing: the login picker, the model picker. */
    record Picker(Purpose purpose, List<Choice> choices, String query, int cursor, boolean loading, String error)
            implements Overlay {
        /** What is picked. */
        enum Purpose { LOGIN, MODEL }

        public Picker {
            choices = List.copyOf(choices);
            query = query == null ? "" : query;
            error = error == null ? "" : error;
        }

        static Picker loading(Purpose purpose) {
            return new Picker(purpose, List.of(), "", 0, true, "");
        }

        /** @return the choices whose id or label contains what was typed (case-insensitive) */
        List<Choice> matching() {
            String wanted = query.toLowerCase(Locale.ROOT);
            return choices.stream().filter(choice -> choice.id().toLowerCase(Locale.ROOT).contains(wanted)
                    || choice.label().toLowerCase(Locale.ROOT).contains(wanted)).toList();
        }

        Picker searching(String text) {
            return new Picker(purpose, choices, text, 0, loading, error);
        }

        Picker at(int position) {
            return new Picker(purpose, choices, query, position, loading, error);
        }
    }

    /** A question answered by typing a line: an API key (hidden), an endpoint, a pasted code, a bot token. */
    record Prompt(Purpose purpose, String label, Input input, boolean secret, String provider, String endpoint)
            implements Overlay {
        /** What the answer is for. */
        enum Purpose { API_KEY, ENDPOINT, CODE, TELEGRAM_TOKEN }

        Prompt with(Input typed) {
            return new Prompt(purpose, label, typed, secret, provider, endpoint);
        }
    }

    /** A browser login in progress: where to go and which code to enter. */
    record LoginWait(String provider, String url, String code) implements Overlay {}

    /** A yes/no question before something that cannot be undone. */
    record Confirm(String question, Effect onYes) implements Overlay {}

    /** Lines to read: the help, a QR code, what a command printed. */
    record TextBox(String title, List<String> lines, int scroll) implements Overlay {
        public TextBox {
            lines = List.copyOf(lines);
        }
    }

    /** A channel's pairing, followed live (WhatsApp's QR code). */
    record Pairing(String channel, String state, String detail, List<String> qr) implements Overlay {
        public Pairing {
            qr = List.copyOf(qr);
        }
    }
}
