package org.openpista.channel.mobile.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.openpista.api.chat.Attachment;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.chat.Role;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.memory.SessionInfo;
import org.openpista.channel.support.FrameFields;
import org.openpista.channel.support.SessionFrames;

/**
 * The JSON frames of the mobile protocol (the original's types and the extensions in {@code
 * docs/mobile-protocol.md}); the fields of the frames a device sends are read with {@link
 * FrameFields}, as the web chat reads its own. Field names are snake_case; times are RFC 3339 in UTC.
 */
final class Frames {

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
        return SessionFrames.time(instant);
    }

    static ObjectNode sessionsList(List<SessionInfo> sessions) {
        return SessionFrames.sessionsList(frame("sessions_list"), sessions);
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
}
