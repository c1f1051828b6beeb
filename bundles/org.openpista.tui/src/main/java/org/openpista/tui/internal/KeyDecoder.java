package org.openpista.tui.internal;

import java.io.IOException;

/**
 * Turns the characters a terminal sends into {@link Key}s: escape sequences of the arrow and
 * editing keys (both the {@code ESC [} and the {@code ESC O} forms, with or without modifiers),
 * bracketed paste, control characters, and Esc on its own, told apart from the start of a
 * sequence by a short wait.
 */
final class KeyDecoder {

    /** Where the characters come from. */
    interface Source {
        /** @return the next character, {@link #TIMEOUT} when none came in time, {@link #EOF} at the end */
        int read(long timeoutMillis) throws IOException;
    }

    static final int EOF = -1;
    static final int TIMEOUT = -2;
    /** How long to wait after Esc for the rest of a sequence: terminals send sequences at once. */
    static final long ESCAPE_WAIT = 40;
    private static final String PASTE_END = "\033[201~";

    private final Source source;

    KeyDecoder(Source source) {
        this.source = source;
    }

    /**
     * @param timeoutMillis how long to wait for a key; 0 waits for ever
     * @return the next key, or {@code null} when none came in time
     * @throws java.io.EOFException at the end of the input
     */
    Key next(long timeoutMillis) throws IOException {
        int c = source.read(timeoutMillis);
        if (c == TIMEOUT) {
            return null;
        }
        if (c == EOF) {
            throw new java.io.EOFException("the terminal closed");
        }
        return decode(c);
    }

    private Key decode(int c) throws IOException {
        switch (c) {
            case '\r' -> {
                return Key.of(Key.Kind.ENTER);
            }
            case '\n' -> {
                return Key.of(Key.Kind.NEWLINE);
            }
            case '\t' -> {
                return Key.of(Key.Kind.TAB);
            }
            case 0x7f, 0x08 -> {
                return Key.of(Key.Kind.BACKSPACE);
            }
            case 0x1b -> {
                return escape();
            }
            default -> {
                if (c < 0x20) {
                    return Key.ctrl((char) ('a' + c - 1));
                }
                if (Character.isHighSurrogate((char) c)) {
                    int low = source.read(ESCAPE_WAIT);
                    if (low >= 0 && Character.isLowSurrogate((char) low)) {
                        return Key.character(new String(new char[] {(char) c, (char) low}));
                    }
                    return Key.of(Key.Kind.UNKNOWN);
                }
                return Key.character(String.valueOf((char) c));
            }
        }
    }

    private Key escape() throws IOException {
        int next = source.read(ESCAPE_WAIT);
        if (next == TIMEOUT || next == EOF) {
            return Key.of(Key.Kind.ESC);
        }
        if (next == '[') {
            return csi();
        }
        if (next == 'O') {
            int c = source.read(ESCAPE_WAIT);
            return c < 0 ? Key.of(Key.Kind.UNKNOWN) : finalKey((char) c, "");
        }
        if (next == '\r' || next == '\n') {
            // Alt-Enter: a new line in the message
            return Key.of(Key.Kind.NEWLINE);
        }
        if (next == 0x1b) {
            return Key.of(Key.Kind.ESC);
        }
        // Alt with a key: nothing uses it; the key itself is not typed either
        return Key.of(Key.Kind.UNKNOWN);
    }

    private Key csi() throws IOException {
        StringBuilder parameters = new StringBuilder();
        while (true) {
            int c = source.read(ESCAPE_WAIT);
            if (c < 0) {
                return Key.of(Key.Kind.UNKNOWN);
            }
            if (c >= 0x40 && c <= 0x7e) {
                Key key = finalKey((char) c, parameters.toString());
                return key.is(Key.Kind.PASTE) ? paste() : key;
            }
            if (parameters.length() > 16) {
                return Key.of(Key.Kind.UNKNOWN);
            }
            parameters.append((char) c);
        }
    }

    private static Key finalKey(char last, String parameters) {
        return switch (last) {
            case 'A' -> Key.of(Key.Kind.UP);
            case 'B' -> Key.of(Key.Kind.DOWN);
            case 'C' -> Key.of(Key.Kind.RIGHT);
            case 'D' -> Key.of(Key.Kind.LEFT);
            case 'H' -> Key.of(Key.Kind.HOME);
            case 'F' -> Key.of(Key.Kind.END);
            case 'Z' -> Key.of(Key.Kind.BACKTAB);
            case '~' -> tilde(parameters.contains(";") ? parameters.substring(0, parameters.indexOf(';')) : parameters);
            default -> Key.of(Key.Kind.UNKNOWN);
        };
    }

    private static Key tilde(String number) {
        return switch (number) {
            case "1", "7" -> Key.of(Key.Kind.HOME);
            case "4", "8" -> Key.of(Key.Kind.END);
            case "3" -> Key.of(Key.Kind.DELETE);
            case "5" -> Key.of(Key.Kind.PAGE_UP);
            case "6" -> Key.of(Key.Kind.PAGE_DOWN);
            case "200" -> Key.of(Key.Kind.PASTE);
            default -> Key.of(Key.Kind.UNKNOWN);
        };
    }

    /** Reads a bracketed paste up to its end marker: pasted line ends are text, not Enter. */
    private Key paste() throws IOException {
        StringBuilder text = new StringBuilder();
        while (true) {
            int c = source.read(1000);
            if (c < 0) {
                break;
            }
            text.append((char) c);
            if (text.length() >= PASTE_END.length() && text.lastIndexOf(PASTE_END) == text.length() - PASTE_END.length()) {
                text.setLength(text.length() - PASTE_END.length());
                break;
            }
        }
        return new Key(Key.Kind.PASTE, text.toString().replace("\r\n", "\n").replace('\r', '\n'));
    }
}
