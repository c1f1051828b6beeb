package org.openpista.terminal;

import java.io.IOException;
import java.io.InputStream;

/**
 * Turns the bytes a terminal sends in key-by-key mode into keys: the arrow keys' escape sequences
 * (both the {@code ESC [} and the {@code ESC O} forms), Enter, Backspace, Ctrl-C, a lone Esc, and
 * printable characters.
 */
public final class KeyReader {

    /** What a key means to a picker. */
    public enum Kind {
        UP, DOWN, PAGE_UP, PAGE_DOWN, HOME, END, ENTER, BACKSPACE, CLEAR, CANCEL, CHARACTER, OTHER
    }

    /**
     * One key.
     *
     * @param kind what it means
     * @param character the typed character for {@link Kind#CHARACTER}, else 0
     */
    public record Key(Kind kind, char character) {
        /** @return the key of that kind that is no character */
        public static Key of(Kind kind) {
            return new Key(kind, '\0');
        }
    }

    private static final int ESC = 0x1b;
    /** How long the rest of an escape sequence may take to arrive before an Esc counts as the Esc key. */
    private static final long SEQUENCE_MILLIS = 100;

    private final InputStream in;

    /** @param in the terminal's input in key-by-key mode (see {@link Terminal#raw()}) */
    public KeyReader(InputStream in) {
        this.in = in;
    }

    /** @return the next key; {@link Kind#CANCEL} at the end of the input */
    public Key next() throws IOException {
        int b = in.read();
        return switch (b) {
            case -1, 0x03, 0x04 -> Key.of(Kind.CANCEL);
            case '\r', '\n' -> Key.of(Kind.ENTER);
            case 0x7f, 0x08 -> Key.of(Kind.BACKSPACE);
            case 0x15 -> Key.of(Kind.CLEAR);
            case 0x10 -> Key.of(Kind.UP);
            case 0x0e -> Key.of(Kind.DOWN);
            case ESC -> escape();
            default -> b >= 0x20 && b < 0x7f ? new Key(Kind.CHARACTER, (char) b) : Key.of(Kind.OTHER);
        };
    }

    private Key escape() throws IOException {
        if (!more()) {
            return Key.of(Kind.CANCEL);
        }
        int introducer = in.read();
        if (introducer != '[' && introducer != 'O') {
            return Key.of(Kind.OTHER);
        }
        StringBuilder parameters = new StringBuilder();
        int last = in.read();
        while (last >= '0' && last <= '9' || last == ';') {
            parameters.append((char) last);
            last = in.read();
        }
        return switch (last) {
            case 'A' -> Key.of(Kind.UP);
            case 'B' -> Key.of(Kind.DOWN);
            case 'H' -> Key.of(Kind.HOME);
            case 'F' -> Key.of(Kind.END);
            case '~' -> switch (parameters.toString()) {
                case "5" -> Key.of(Kind.PAGE_UP);
                case "6" -> Key.of(Kind.PAGE_DOWN);
                case "1", "7" -> Key.of(Kind.HOME);
                case "4", "8" -> Key.of(Kind.END);
                default -> Key.of(Kind.OTHER);
            };
            case -1 -> Key.of(Kind.CANCEL);
            default -> Key.of(Kind.OTHER);
        };
    }

    /** @return whether more bytes follow an Esc at once, as they do in a key's escape sequence */
    private boolean more() throws IOException {
        long deadline = System.nanoTime() + SEQUENCE_MILLIS * 1_000_000;
        while (in.available() == 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
