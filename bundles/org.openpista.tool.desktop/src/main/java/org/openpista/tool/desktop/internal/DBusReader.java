package org.openpista.tool.desktop.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Unmarshals values in the D-Bus wire format, in the byte order the message declares. Gives back
 * what {@link DBusWriter} takes: {@code Byte}, {@code Boolean}, {@code Short}, {@code Integer} (u
 * too), {@code Long}, {@code Double}, {@code String}, {@link Variant}, {@code List} for arrays and
 * structs, {@code Map} for arrays of dict entries.
 */
final class DBusReader {

    private final ByteBuffer buffer;

    /**
     * @param data a message or a body, alignment counted from its first byte
     * @param order the byte order the message declares
     */
    DBusReader(byte[] data, ByteOrder order) {
        this.buffer = ByteBuffer.wrap(data).order(order);
    }

    int position() {
        return buffer.position();
    }

    void align(int boundary) {
        while (buffer.position() % boundary != 0) {
            buffer.get();
        }
    }

    /** Reads values of a signature that may hold several complete types. */
    List<Object> readAll(String signature) {
        List<Object> values = new ArrayList<>();
        int at = 0;
        while (at < signature.length()) {
            int end = DBusType.end(signature, at);
            values.add(read(signature.substring(at, end)));
            at = end;
        }
        return values;
    }

    /**
     * Reads one value of a complete type.
     *
     * @throws IllegalArgumentException when the data ends early or is malformed
     */
    Object read(String type) {
        char code = type.charAt(0);
        try {
            align(DBusType.alignment(code));
            return switch (code) {
                case 'y' -> buffer.get();
                case 'b' -> buffer.getInt() != 0;
                case 'n', 'q' -> buffer.getShort();
                case 'i', 'u', 'h' -> buffer.getInt();
                case 'x', 't' -> buffer.getLong();
                case 'd' -> buffer.getDouble();
                case 's', 'o' -> text(buffer.getInt());
                case 'g' -> text(buffer.get() & 0xff);
                case 'v' -> {
                    String signature = (String) read("g");
                    yield new Variant(signature, read(signature));
                }
                case 'a' -> array(type.substring(1));
                case '(' -> readAll(type.substring(1, type.length() - 1));
                default -> throw new IllegalArgumentException("cannot read the type " + type);
            };
        } catch (java.nio.BufferUnderflowException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("the D-Bus data ends inside a value of type " + type);
        }
    }

    private Object array(String element) {
        int length = buffer.getInt();
        align(DBusType.alignment(element.charAt(0)));
        int end = buffer.position() + length;
        if (length < 0 || end > buffer.limit()) {
            throw new IllegalArgumentException("a D-Bus array of " + length + " bytes is longer than its message");
        }
        if (element.charAt(0) == '{') {
            String inner = element.substring(1, element.length() - 1);
            int keyEnd = DBusType.end(inner, 0);
            Map<Object, Object> entries = new LinkedHashMap<>();
            while (buffer.position() < end) {
                align(8);
                Object key = read(inner.substring(0, keyEnd));
                entries.put(key, read(inner.substring(keyEnd)));
            }
            return entries;
        }
        List<Object> items = new ArrayList<>();
        while (buffer.position() < end) {
            items.add(read(element));
        }
        return items;
    }

    private String text(int length) {
        if (length < 0 || length + 1 > buffer.remaining()) {
            throw new IllegalArgumentException("a D-Bus string of " + length + " bytes is longer than its message");
        }
        String text = new String(buffer.array(), buffer.position(), length, StandardCharsets.UTF_8);
        buffer.position(buffer.position() + length + 1);
        return text;
    }
}
