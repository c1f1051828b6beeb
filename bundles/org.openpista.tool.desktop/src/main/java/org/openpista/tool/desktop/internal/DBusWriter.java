package org.openpista.tool.desktop.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Marshals values in the D-Bus wire format, little-endian. Alignment counts from the start of the
 * buffer, which is the start of a message or of a body (bodies start at a multiple of 8). Values:
 * {@code Byte} (y), {@code Boolean} (b), {@code Number} (n q i u x t), {@code Double} (d), {@code
 * String} (s o g), {@link Variant} (v), {@code List} for arrays and structs, {@code Map} for arrays of
 * dict entries.
 */
final class DBusWriter {

    private ByteBuffer buffer = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);

    /** @return the bytes written so far */
    byte[] bytes() {
        byte[] bytes = new byte[buffer.position()];
        System.arraycopy(buffer.array(), 0, bytes, 0, bytes.length);
        return bytes;
    }

    int position() {
        return buffer.position();
    }

    /** Writes zero bytes up to a multiple of {@code boundary}. */
    void align(int boundary) {
        room(boundary);
        while (buffer.position() % boundary != 0) {
            buffer.put((byte) 0);
        }
    }

    /** Writes values of a signature that may hold several complete types. */
    void writeAll(String signature, List<?> values) {
        int at = 0;
        int index = 0;
        while (at < signature.length()) {
            int end = DBusType.end(signature, at);
            write(signature.substring(at, end), values.get(index++));
            at = end;
        }
        if (index != values.size()) {
            throw new IllegalArgumentException(values.size() + " values for the signature " + signature);
        }
    }

    /** Writes one value of a complete type. */
    void write(String type, Object value) {
        char code = type.charAt(0);
        align(DBusType.alignment(code));
        switch (code) {
            case 'y' -> put(1).put(((Number) value).byteValue());
            case 'b' -> put(4).putInt(Boolean.TRUE.equals(value) ? 1 : 0);
            case 'n', 'q' -> put(2).putShort(((Number) value).shortValue());
            case 'i', 'u', 'h' -> put(4).putInt(((Number) value).intValue());
            case 'x', 't' -> put(8).putLong(((Number) value).longValue());
            case 'd' -> put(8).putDouble(((Number) value).doubleValue());
            case 's', 'o' -> {
                byte[] text = utf8(value);
                put(4 + text.length + 1).putInt(text.length).put(text).put((byte) 0);
            }
            case 'g' -> signature((String) value);
            case 'v' -> {
                Variant variant = (Variant) value;
                signature(variant.signature());
                write(variant.signature(), variant.value());
            }
            case 'a' -> array(type.substring(1), value);
            case '(' -> {
                List<?> fields = (List<?>) value;
                writeAll(type.substring(1, type.length() - 1), fields);
            }
            default -> throw new IllegalArgumentException("cannot write the type " + type);
        }
    }

    private void array(String element, Object value) {
        int lengthAt = buffer.position();
        put(4).putInt(0);
        align(DBusType.alignment(element.charAt(0)));
        int start = buffer.position();
        if (element.charAt(0) == '{') {
            String inner = element.substring(1, element.length() - 1);
            int keyEnd = DBusType.end(inner, 0);
            for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
                align(8);
                write(inner.substring(0, keyEnd), entry.getKey());
                write(inner.substring(keyEnd), entry.getValue());
            }
        } else {
            for (Object item : (List<?>) value) {
                write(element, item);
            }
        }
        buffer.putInt(lengthAt, buffer.position() - start);
    }

    private void signature(String signature) {
        byte[] text = signature.getBytes(StandardCharsets.US_ASCII);
        put(1 + text.length + 1).put((byte) text.length).put(text).put((byte) 0);
    }

    private static byte[] utf8(Object value) {
        String text = (String) value;
        if (text.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("D-Bus strings cannot hold NUL characters");
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private ByteBuffer put(int bytes) {
        room(bytes);
        return buffer;
    }

    private void room(int bytes) {
        if (buffer.remaining() < bytes) {
            ByteBuffer larger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + bytes))
                    .order(ByteOrder.LITTLE_ENDIAN);
            larger.put(buffer.array(), 0, buffer.position());
            buffer = larger;
        }
    }
}
