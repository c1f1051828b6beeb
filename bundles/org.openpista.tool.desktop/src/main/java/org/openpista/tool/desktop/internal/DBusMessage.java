package org.openpista.tool.desktop.internal;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One D-Bus message: the fixed header, the header fields and the body, as the specification's
 * "Message Protocol" lays them out.
 *
 * @param type {@link #METHOD_CALL}, {@link #METHOD_RETURN}, {@link #ERROR} or {@link #SIGNAL}
 * @param flags header flags, such as {@link #NO_REPLY_EXPECTED}
 * @param serial the sender's serial number of the message, not 0
 * @param fields header field code to value
 * @param body the marshalled arguments
 * @param order the byte order of the body
 */
record DBusMessage(int type, int flags, int serial, Map<Integer, Object> fields, byte[] body, ByteOrder order) {

    static final int METHOD_CALL = 1;
    static final int METHOD_RETURN = 2;
    static final int ERROR = 3;
    static final int SIGNAL = 4;
    static final int NO_REPLY_EXPECTED = 1;

    static final int PATH = 1;
    static final int INTERFACE = 2;
    static final int MEMBER = 3;
    static final int ERROR_NAME = 4;
    static final int REPLY_SERIAL = 5;
    static final int DESTINATION = 6;
    static final int SENDER = 7;
    static final int SIGNATURE = 8;

    /** The largest message this client accepts; the specification allows 128 MiB. */
    static final int MAX_LENGTH = 16 * 1024 * 1024;

    DBusMessage {
        fields = Map.copyOf(fields);
        body = body.clone();
    }

    /** @return a method call */
    static DBusMessage call(int serial, String destination, String path, String iface, String member,
            String signature, List<?> arguments) {
        Map<Integer, Object> fields = new TreeMap<>();
        fields.put(PATH, path);
        if (iface != null) {
            fields.put(INTERFACE, iface);
        }
        fields.put(MEMBER, member);
        if (destination != null) {
            fields.put(DESTINATION, destination);
        }
        return withBody(METHOD_CALL, serial, fields, signature, arguments);
    }

    /** @return the reply to a method call */
    static DBusMessage reply(int serial, DBusMessage call, String signature, List<?> values) {
        Map<Integer, Object> fields = new TreeMap<>();
        fields.put(REPLY_SERIAL, call.serial());
        if (call.sender() != null) {
            fields.put(DESTINATION, call.sender());
        }
        return withBody(METHOD_RETURN, serial, fields, signature, values);
    }

    private static DBusMessage withBody(int type, int serial, Map<Integer, Object> fields, String signature,
            List<?> values) {
        DBusWriter body = new DBusWriter();
        if (!signature.isEmpty()) {
            fields.put(SIGNATURE, signature);
            body.writeAll(signature, values);
        }
        return new DBusMessage(type, 0, serial, fields, body.bytes(), ByteOrder.LITTLE_ENDIAN);
    }

    /** @return the message as it goes on the wire */
    byte[] encode() {
        DBusWriter out = new DBusWriter();
        out.write("y", (byte) 'l');
        out.write("y", (byte) type);
        out.write("y", (byte) flags);
        out.write("y", (byte) 1);
        out.write("u", body.length);
        out.write("u", serial);
        List<Object> headerFields = new ArrayList<>();
        fields.forEach((code, value) -> headerFields.add(List.of((byte) (int) code, new Variant(typeOf(code), value))));
        out.write("a(yv)", headerFields);
        out.align(8);
        byte[] header = out.bytes();
        byte[] message = new byte[header.length + body.length];
        System.arraycopy(header, 0, message, 0, header.length);
        System.arraycopy(body, 0, message, header.length, body.length);
        return message;
    }

    /**
     * Decodes a message read from the wire.
     *
     * @param header the fixed header and the header fields, padded to a multiple of 8
     * @param body the body
     * @throws IllegalArgumentException when it is malformed
     */
    static DBusMessage decode(byte[] header, byte[] body) {
        ByteOrder order = header[0] == 'B' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        DBusReader in = new DBusReader(header, order);
        in.read("y");
        int type = (Byte) in.read("y") & 0xff;
        int flags = (Byte) in.read("y") & 0xff;
        in.read("y");
        in.read("u");
        int serial = (Integer) in.read("u");
        Map<Integer, Object> fields = new TreeMap<>();
        @SuppressWarnings("unchecked")
        List<List<Object>> headerFields = (List<List<Object>>) in.read("a(yv)");
        for (List<Object> field : headerFields) {
            fields.put((Byte) field.get(0) & 0xff, ((Variant) field.get(1)).value());
        }
        return new DBusMessage(type, flags, serial, fields, body, order);
    }

    /** @return the arguments of the body, as its signature says */
    List<Object> arguments() {
        return new DBusReader(body, order).readAll(signature());
    }

    String signature() {
        Object signature = fields.get(SIGNATURE);
        return signature == null ? "" : (String) signature;
    }

    String member() {
        return (String) fields.get(MEMBER);
    }

    String iface() {
        return (String) fields.get(INTERFACE);
    }

    String path() {
        return (String) fields.get(PATH);
    }

    String sender() {
        return (String) fields.get(SENDER);
    }

    String errorName() {
        return (String) fields.get(ERROR_NAME);
    }

    /** @return the serial of the call this message answers, or 0 */
    int replySerial() {
        Object serial = fields.get(REPLY_SERIAL);
        return serial == null ? 0 : (Integer) serial;
    }

    /** @return an error's message: its first string argument, or its name */
    String errorMessage() {
        if (signature().startsWith("s")) {
            return (String) arguments().get(0);
        }
        return errorName();
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    private static String typeOf(int code) {
        return switch (code) {
            case PATH -> "o";
            case REPLY_SERIAL -> "u";
            case SIGNATURE -> "g";
            default -> "s";
        };
    }
}
