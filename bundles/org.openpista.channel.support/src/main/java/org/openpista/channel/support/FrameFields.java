package org.openpista.channel.support;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reading the fields of a JSON frame a client sent (the web chat's WebSocket frames, the mobile
 * channel's QUIC frames), and the two failures that are answered with an {@code error} frame instead
 * of being logged: a frame that breaks the protocol, and one that needs a service that is not running.
 */
public final class FrameFields {

    /** Client, session, message and call ids are at most this long. */
    public static final int MAX_ID_LENGTH = 200;

    private FrameFields() {}

    /** @return the string field, or {@code null} when it is absent or null */
    public static String text(JsonNode frame, String field) {
        JsonNode value = frame.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new BadFrame("\"" + field + "\" must be a string");
        }
        return value.textValue();
    }

    /** @return the boolean field, or {@code absent} when it is absent or null */
    public static boolean flag(JsonNode frame, String field, boolean absent) {
        JsonNode value = frame.get(field);
        if (value == null || value.isNull()) {
            return absent;
        }
        if (!value.isBoolean()) {
            throw new BadFrame("\"" + field + "\" must be true or false");
        }
        return value.booleanValue();
    }

    /** @return the id, which must be there */
    public static String requiredId(JsonNode frame, String field) {
        String value = optionalId(frame, field);
        if (value == null) {
            throw new BadFrame("the frame needs a \"" + field + "\" string");
        }
        return value;
    }

    /** @return the id, or {@code null} when it is absent or blank */
    public static String optionalId(JsonNode frame, String field) {
        String value = text(frame, field);
        if (value == null || value.isBlank()) {
            return null;
        }
        if (!validId(value)) {
            throw new BadFrame("\"" + field + "\" must be 1 to " + MAX_ID_LENGTH + " characters without control characters");
        }
        return value;
    }

    /** @return whether a client, session, message or call id is acceptable */
    public static boolean validId(String value) {
        return value != null && !value.isBlank() && value.length() <= MAX_ID_LENGTH
                && value.codePoints().noneMatch(Character::isISOControl);
    }

    /** @return a client's text made safe to echo or log: no control characters, at most 64 characters */
    public static String clip(String text) {
        String clean = text.replaceAll("\\p{Cntrl}", "?");
        return clean.length() <= 64 ? clean : clean.substring(0, 63) + "…";
    }

    /** @return the text with its white space folded, on one line; empty for null */
    public static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s+", " ").strip();
    }

    /** @return the error's message on one line, or its class name when it has none */
    public static String describe(Throwable error) {
        if (error == null) {
            return "unknown error";
        }
        String message = error.getMessage();
        return message == null || message.isBlank() ? error.getClass().getSimpleName() : oneLine(message);
    }

    /** A frame that breaks the protocol; answered with an {@code error} frame. */
    public static final class BadFrame extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public BadFrame(String message) {
            super(message, null, false, false);
        }
    }

    /** A frame that needs a service that is not running. */
    public static final class Unavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Unavailable(String message) {
            super(message, null, false, false);
        }
    }
}
