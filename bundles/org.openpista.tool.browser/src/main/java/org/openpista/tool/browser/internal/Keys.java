package org.openpista.tool.browser.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Key names as {@code browser.press} takes them ({@code Enter}, {@code Control+A}, {@code
 * Shift+Tab}, a single character) and the key events Chromium needs for them.
 */
final class Keys {

    /**
     * One key.
     *
     * @param key the DOM {@code key} value
     * @param code the DOM {@code code} value
     * @param keyCode the legacy key code
     * @param text what it types, empty for keys that type nothing
     */
    record Key(String key, String code, int keyCode, String text) {}

    /**
     * A parsed key press.
     *
     * @param modifiers the modifier keys held, in order
     * @param key the key pressed
     * @param modifierBits Chromium's modifier bit set (Alt 1, Control 2, Meta 4, Shift 8)
     */
    record Press(List<Key> modifiers, Key key, int modifierBits) {
        /** @return whether the press types text (no Control, Alt or Meta held) */
        boolean types() {
            return !key.text().isEmpty() && (modifierBits & 7) == 0;
        }
    }

    private static final Map<String, Key> NAMED = Map.ofEntries(
            Map.entry("enter", new Key("Enter", "Enter", 13, "\r")),
            Map.entry("tab", new Key("Tab", "Tab", 9, "")),
            Map.entry("escape", new Key("Escape", "Escape", 27, "")),
            Map.entry("backspace", new Key("Backspace", "Backspace", 8, "")),
            Map.entry("delete", new Key("Delete", "Delete", 46, "")),
            Map.entry("insert", new Key("Insert", "Insert", 45, "")),
            Map.entry("space", new Key(" ", "Space", 32, " ")),
            Map.entry("arrowleft", new Key("ArrowLeft", "ArrowLeft", 37, "")),
            Map.entry("arrowup", new Key("ArrowUp", "ArrowUp", 38, "")),
            Map.entry("arrowright", new Key("ArrowRight", "ArrowRight", 39, "")),
            Map.entry("arrowdown", new Key("ArrowDown", "ArrowDown", 40, "")),
            Map.entry("home", new Key("Home", "Home", 36, "")),
            Map.entry("end", new Key("End", "End", 35, "")),
            Map.entry("pageup", new Key("PageUp", "PageUp", 33, "")),
            Map.entry("pagedown", new Key("PageDown", "PageDown", 34, "")),
            Map.entry("shift", new Key("Shift", "ShiftLeft", 16, "")),
            Map.entry("control", new Key("Control", "ControlLeft", 17, "")),
            Map.entry("alt", new Key("Alt", "AltLeft", 18, "")),
            Map.entry("meta", new Key("Meta", "MetaLeft", 91, "")));

    private static final Map<String, String> ALIASES = Map.ofEntries(
            Map.entry("return", "enter"), Map.entry("esc", "escape"), Map.entry("del", "delete"),
            Map.entry("up", "arrowup"), Map.entry("down", "arrowdown"), Map.entry("left", "arrowleft"),
            Map.entry("right", "arrowright"), Map.entry("ctrl", "control"), Map.entry("cmd", "meta"),
            Map.entry("command", "meta"), Map.entry("super", "meta"), Map.entry("win", "meta"),
            Map.entry("option", "alt"), Map.entry("pgup", "pageup"), Map.entry("pgdn", "pagedown"),
            Map.entry("spacebar", "space"));

    private static final Map<String, Integer> MODIFIER_BITS = Map.of("alt", 1, "control", 2, "meta", 4, "shift", 8);

    private Keys() {}

    /**
     * @param text for example {@code Enter}, {@code Control+a}, {@code Shift+Tab}, {@code F5}, {@code /}
     * @throws BrowserException {@code invalid_arguments} for a name it does not know
     */
    static Press parse(String text) {
        String trimmed = text.strip();
        if (trimmed.isEmpty()) {
            throw new BrowserException(BrowserException.Kind.INVALID_ARGUMENTS, "\"key\" is empty");
        }
        List<String> parts = new ArrayList<>();
        // "+" alone, or a trailing "+" ("Control++"), is the plus key
        int start = 0;
        for (int i = 0; i < trimmed.length(); i++) {
            if (trimmed.charAt(i) == '+' && i > start) {
                parts.add(trimmed.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(trimmed.substring(start));
        List<Key> modifiers = new ArrayList<>();
        int bits = 0;
        for (int i = 0; i < parts.size() - 1; i++) {
            String name = canonical(parts.get(i));
            Integer bit = MODIFIER_BITS.get(name);
            if (bit == null) {
                throw new BrowserException(BrowserException.Kind.INVALID_ARGUMENTS, "\"" + parts.get(i)
                        + "\" is not a modifier (Control, Shift, Alt, Meta)");
            }
            modifiers.add(NAMED.get(name));
            bits |= bit;
        }
        Key key = key(parts.get(parts.size() - 1), (bits & 8) != 0);
        return new Press(modifiers, key, bits);
    }

    private static Key key(String name, boolean shift) {
        String canonical = canonical(name);
        Key named = NAMED.get(canonical);
        if (named != null) {
            return named;
        }
        if (canonical.matches("f([1-9]|1[0-2])")) {
            int number = Integer.parseInt(canonical.substring(1));
            return new Key("F" + number, "F" + number, 111 + number, "");
        }
        if (name.codePointCount(0, name.length()) == 1) {
            char c = name.charAt(0);
            if (Character.isLetter(c) && c < 128) {
                char upper = Character.toUpperCase(c);
                String typed = shift ? String.valueOf(upper) : name;
                return new Key(typed, "Key" + upper, upper, typed);
            }
            if (Character.isDigit(c)) {
                return new Key(name, "Digit" + c, c, name);
            }
            return new Key(name, "", 0, name);
        }
        throw new BrowserException(BrowserException.Kind.INVALID_ARGUMENTS, "unknown key \"" + name + "\"; use names"
                + " like Enter, Tab, Escape, Backspace, ArrowDown, PageDown, F5, a single character, or combinations"
                + " like Control+a");
    }

    private static String canonical(String name) {
        String lower = name.strip().toLowerCase(Locale.ROOT).replace(" ", "");
        return ALIASES.getOrDefault(lower, lower);
    }
}
