package org.openpista.tui.internal;

/**
 * The text being typed and where the cursor is in it (a char index that never splits a surrogate pair).
 *
 * @param text what was typed; may hold new lines
 * @param cursor the cursor's position in {@code text}
 */
record Input(String text, int cursor) {

    static final Input EMPTY = new Input("", 0);

    Input {
        text = text == null ? "" : text;
        cursor = Math.max(0, Math.min(cursor, text.length()));
    }

    static Input of(String text) {
        return new Input(text, text.length());
    }

    boolean isEmpty() {
        return text.isEmpty();
    }

    Input insert(String typed) {
        return new Input(text.substring(0, cursor) + typed + text.substring(cursor), cursor + typed.length());
    }

    Input backspace() {
        if (cursor == 0) {
            return this;
        }
        int from = text.offsetByCodePoints(cursor, -1);
        return new Input(text.substring(0, from) + text.substring(cursor), from);
    }

    Input delete() {
        if (cursor >= text.length()) {
            return this;
        }
        int to = text.offsetByCodePoints(cursor, 1);
        return new Input(text.substring(0, cursor) + text.substring(to), cursor);
    }

    Input left() {
        return cursor == 0 ? this : new Input(text, text.offsetByCodePoints(cursor, -1));
    }

    Input right() {
        return cursor >= text.length() ? this : new Input(text, text.offsetByCodePoints(cursor, 1));
    }

    Input home() {
        return new Input(text, text.lastIndexOf('\n', cursor - 1) + 1);
    }

    Input end() {
        int end = text.indexOf('\n', cursor);
        return new Input(text, end < 0 ? text.length() : end);
    }

    /** Ctrl-W: deletes the word before the cursor and the blanks after it. */
    Input deleteWord() {
        int from = cursor;
        while (from > 0 && Character.isWhitespace(text.charAt(from - 1))) {
            from--;
        }
        while (from > 0 && !Character.isWhitespace(text.charAt(from - 1))) {
            from--;
        }
        return new Input(text.substring(0, from) + text.substring(cursor), from);
    }
}
