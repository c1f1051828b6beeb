package org.openpista.tui.internal;

/**
 * One key press (or one paste) as the screens understand it.
 *
 * @param kind what was pressed
 * @param text the typed text for {@link Kind#CHAR} and {@link Kind#PASTE}, the letter for {@link
 *     Kind#CTRL} (lower case), otherwise empty
 */
record Key(Kind kind, String text) {

    /** The keys the screens tell apart. */
    enum Kind {
        CHAR, PASTE, ENTER, NEWLINE, TAB, BACKTAB, BACKSPACE, DELETE, ESC,
        UP, DOWN, LEFT, RIGHT, HOME, END, PAGE_UP, PAGE_DOWN, CTRL, UNKNOWN
    }

    Key {
        text = text == null ? "" : text;
    }

    static Key of(Kind kind) {
        return new Key(kind, "");
    }

    static Key character(String text) {
        return new Key(Kind.CHAR, text);
    }

    static Key ctrl(char letter) {
        return new Key(Kind.CTRL, String.valueOf(Character.toLowerCase(letter)));
    }

    boolean is(Kind wanted) {
        return kind == wanted;
    }

    boolean isCtrl(char letter) {
        return kind == Kind.CTRL && text.equals(String.valueOf(letter));
    }

    /** @return whether this is the printable character given */
    boolean isChar(String wanted) {
        return kind == Kind.CHAR && text.equals(wanted);
    }
}
