package org.openpista.tool.desktop.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A D-Bus server address as {@code DBUS_SESSION_BUS_ADDRESS} holds it: alternatives separated by
 * {@code ;}, each {@code transport:key=value,…} with {@code %xx} escapes. The JDK connects to socket
 * files only, so {@link #socket()} finds the first {@code unix:path=} entry; abstract sockets
 * ({@code unix:abstract=}) and TCP are left to notify-send or gdbus.
 *
 * @param text the address as given
 * @param entries each alternative: its transport and its keys
 */
record DBusAddress(String text, List<Entry> entries) {

    /** One alternative of an address. */
    record Entry(String transport, Map<String, String> keys) {}

    DBusAddress {
        entries = List.copyOf(entries);
    }

    /** @throws IllegalArgumentException when the text is no D-Bus address */
    static DBusAddress parse(String text) {
        List<Entry> entries = new ArrayList<>();
        for (String alternative : text.strip().split(";")) {
            if (alternative.isBlank()) {
                continue;
            }
            int colon = alternative.indexOf(':');
            if (colon < 1) {
                throw new IllegalArgumentException("\"" + alternative + "\" is no D-Bus address (transport:key=value)");
            }
            Map<String, String> keys = new LinkedHashMap<>();
            for (String pair : alternative.substring(colon + 1).split(",")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int equals = pair.indexOf('=');
                if (equals < 1) {
                    throw new IllegalArgumentException("\"" + pair + "\" in the D-Bus address is no key=value");
                }
                keys.put(pair.substring(0, equals), unescape(pair.substring(equals + 1)));
            }
            entries.add(new Entry(alternative.substring(0, colon), keys));
        }
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("the D-Bus address is empty");
        }
        return new DBusAddress(text.strip(), entries);
    }

    /** @return the first socket file the address names, or {@code null} */
    Path socket() {
        for (Entry entry : entries) {
            if (entry.transport().equals("unix") && entry.keys().containsKey("path")) {
                return Path.of(entry.keys().get("path"));
            }
        }
        return null;
    }

    private static String unescape(String value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '%' && i + 2 < value.length()) {
                bytes.write(Integer.parseInt(value.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
