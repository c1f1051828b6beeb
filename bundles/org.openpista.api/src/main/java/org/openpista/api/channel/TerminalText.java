package org.openpista.api.channel;

/**
 * Makes untrusted text (model answers, tool output, names from a messenger) safe to print on a
 * terminal: control characters could otherwise move the cursor, clear the screen, set the window
 * title, write the clipboard (OSC 52) or hide text. Newlines and tabs stay; a Windows line end
 * becomes a newline; every other control character, and the characters that reverse the direction
 * of text, are shown in a visible form ({@code ^[} for ESC, {@code \u202e}) instead of acting.
 */
public final class TerminalText {

    private TerminalText() {}

    /**
     * @param text the text, may be {@code null}
     * @return the text with every control sequence made visible and harmless
     */
    public static String safe(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder safe = null;
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            String replacement = replacement(c, i + 1 < length ? text.charAt(i + 1) : 0);
            if (replacement == null) {
                if (safe != null) {
                    safe.append(c);
                }
                continue;
            }
            if (safe == null) {
                safe = new StringBuilder(length + 16).append(text, 0, i);
            }
            safe.append(replacement);
        }
        return safe == null ? text : safe.toString();
    }

    /** @return what stands for the character, or {@code null} when it is harmless */
    private static String replacement(char c, char next) {
        if (c == '\n' || c == '\t') {
            return null;
        }
        if (c == '\r') {
            return next == '\n' ? "" : "^M";
        }
        if (c < 0x20) {
            return "^" + (char) (c + '@');
        }
        if (c == 0x7f) {
            return "^?";
        }
        if (c >= 0x80 && c <= 0x9f || c >= 0x202a && c <= 0x202e || c >= 0x2066 && c <= 0x2069) {
            return String.format("\\u%04x", (int) c);
        }
        return null;
    }
}
