package org.openpista.channel.mobile.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import org.openpista.api.chat.Attachment;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.chat.Role;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.memory.SessionInfo;

/**
 * The JSON frames of the mobile protocol (the original's types and the extensions in {@code
 * docs/mobile-protocol.md}), and reading the fields of the frames a device sends. Field names are
 * snake_case; times are RFC 3339 in UTC.
 */
final class Frames {

    /** Device, session, message and call ids are at most this long. */
    static final int MAX_ID_LENGTH = 200;

    private Frames() {}

    static ObjectNode frame(String type) {
        return FrameIO.JSON.createObjectNode().put("type", type);
    }

    /** The original's {@code error}: {@code message}; {@code code} is ours. */
    static ObjectNode error(String code, String message) {
        return frame("error").put("message", message).put("code", code);
    }

    static ObjectNode response(String sessionId, String messageId, String content, boolean error) {
        ObjectNode frame = frame("response").put("content", content).put("is_error", error).put("session_id", sessionId);
        if (messageId != null) {
            frame.put("message_id", messageId);
        }
        return frame;
    }

    /** Adds the turn's images as {@code attachments: [{mime_type, name, data_b64}]}, as the web chat does. */
    static void attachments(ObjectNode frame, List<Attachment> attachments) {
        ArrayNode list = null;
        for (Attachment attachment : attachments) {
            if (attachment.mimeType().startsWith("image/")) {
                if (list == null) {
                    list = frame.putArray("attachments");
                }
                list.addObject().put("mime_type", attachment.mimeType()).put("name", attachment.name())
                        .put("data_b64", Base64.getEncoder().encodeToString(attachment.data()));
            }
        }
    }

    /**
     * @return the frame made to fit in {@link FrameIO#LIMIT} bytes, which original clients refuse to
     *     read beyond: without attachments, then with its content cut
     */
    static ObjectNode fit(ObjectNode frame) {
        if (size(frame) <= FrameIO.LIMIT) {
            return frame;
        }
        if (frame.remove("attachments") != null) {
            frame.put("attachments_omitted", true);
            if (size(frame) <= FrameIO.LIMIT) {
                return frame;
            }
        }
        String content = frame.path("content").asText();
        frame.put("content", content.substring(0, Math.min(content.length(), FrameIO.LIMIT / 8))
                + "\n… (cut: the whole answer is in the session's history)");
        return frame;
    }

    static int size(ObjectNode frame) {
        try {
            return FrameIO.JSON.writeValueAsBytes(frame).length;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a frame", e); // trees always serialise
        }
    }

    static String time(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MILLIS).toString();
    }

    static ObjectNode sessionsList(List<SessionInfo> sessions) {
        ObjectNode frame = frame("sessions_list");
        ArrayNode list = frame.putArray("sessions");
        for (SessionInfo session : sessions) {
            list.addObject()
                    .put("id", session.id())
                    .put("channel_id", session.channel())
                    .put("updated_at", time(session.updatedAt()))
                    .put("preview", session.preview() == null ? "" : session.preview())
                    .put("message_count", session.messageCount());
        }
        return frame;
    }

    static ObjectNode history(String sessionId, List<ChatMessage> messages) {
        ObjectNode frame = frame("session_history").put("session_id", sessionId);
        ArrayNode list = frame.putArray("messages");
        for (ChatMessage message : messages) {
            if (message.role() == Role.SYSTEM) {
                continue;
            }
            ObjectNode item = list.addObject()
                    .put("role", message.role().wireName())
                    .put("content", message.content())
                    .put("created_at", time(message.createdAt()));
            if (message.role() == Role.TOOL) {
                item.put("tool_name", message.toolName()).put("tool_call_id", message.toolCallId())
                        .put("is_error", message.error());
            }
            if (message.hasToolCalls()) {
                ArrayNode calls = item.putArray("tool_calls");
                for (ToolCall call : message.toolCalls()) {
                    calls.addObject().put("id", call.id()).put("name", call.name()).set("arguments", arguments(call.arguments()));
                }
            }
        }
        return frame;
    }

    /** @return the arguments as JSON when they parse, else as the text they are */
    static JsonNode arguments(String arguments) {
        try {
            JsonNode parsed = FrameIO.JSON.readTree(arguments);
            return parsed == null ? FrameIO.JSON.getNodeFactory().textNode(arguments) : parsed;
        } catch (JsonProcessingException e) {
            return FrameIO.JSON.getNodeFactory().textNode(arguments);
        }
    }

    /** @return the string field, or {@code null} when it is absent or null */
    static String text(JsonNode frame, String field) {
        JsonNode value = frame.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new BadFrame("\"" + field + "\" must be a string");
        }
        return value.textValue();
    }

    static boolean flag(JsonNode frame, String field) {
        JsonNode value = frame.get(field);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw new BadFrame("\"" + field + "\" must be true or false");
        }
        return value.booleanValue();
    }

    static String requiredId(JsonNode frame, String field) {
        String value = optionalId(frame, field);
        if (value == null) {
            throw new BadFrame("the frame needs a \"" + field + "\" string");
        }
        return value;
    }

    /** @return the id, or {@code null} when it is absent or blank */
    static String optionalId(JsonNode frame, String field) {
        String value = text(frame, field);
        if (value == null || value.isBlank()) {
            return null;
        }
        if (!validId(value)) {
            throw new BadFrame("\"" + field + "\" must be 1 to " + MAX_ID_LENGTH + " characters without control characters");
        }
        return value;
    }

    static boolean validId(String value) {
        return value != null && !value.isBlank() && value.length() <= MAX_ID_LENGTH
                && value.codePoints().noneMatch(Character::isISOControl);
    }

    /** @return a peer's text made safe to echo or log: no control characters, at most 64 characters */
    static String clip(String text) {
        String clean = text.replaceAll("\\p{Cntrl}", "?");
        return clean.length() <= 64 ? clean : clean.substring(0, 63) + "…";
    }

    static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s+", " ").strip();
    }

    /** @return the error's message on one line, or its class name when it has none */
    static String describe(Throwable error) {
        if (error == null) {
            return "unknown error";
        }
        String message = error.getMessage();
        return message == null || message.isBlank() ? error.getClass().getSimpleName() : oneLine(message);
    }

    /** A frame that breaks the protocol; answered with an {@code error} frame. */
    static final class BadFrame extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadFrame(String message) {
            super(message, null, false, false);
        }
    }
}
