package org.openpista.channel.web.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import org.openpista.api.chat.Attachment;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.chat.Role;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.memory.SessionInfo;

/**
 * The JSON frames of the web protocol ({@code /work/shared/web-protocol.md} and the extensions in
 * {@code docs/web-protocol.md}). Field names are snake_case; times are RFC 3339 in UTC.
 */
final class Frames {

    static final ObjectMapper JSON = new ObjectMapper();

    /** Images larger than this are not sent to the browser inline. */
    static final int MAX_INLINE_IMAGE = 5 * 1024 * 1024;

    private Frames() {}

    static ObjectNode frame(String type) {
        return JSON.createObjectNode().put("type", type);
    }

    static String text(JsonNode frame) {
        try {
            return JSON.writeValueAsString(frame);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a frame", e); // trees always serialise
        }
    }

    /** An error about a frame the client sent; the connection stays open. */
    static ObjectNode error(String code, String message) {
        return frame("error").put("code", code).put("error", message);
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
            List<Attachment> attachments = message.attachments();
            if (message.role() == Role.TOOL) {
                item.put("tool_name", message.toolName());
                item.put("tool_call_id", message.toolCallId());
                item.put("is_error", message.error());
                // a tool that returns an image as base64 inside its JSON: show the image, not the base64
                List<Attachment> extracted = new ArrayList<>(attachments);
                item.put("content", withoutBase64(message.content(), extracted));
                attachments = extracted;
            }
            if (message.hasToolCalls()) {
                ArrayNode calls = item.putArray("tool_calls");
                for (ToolCall call : message.toolCalls()) {
                    calls.addObject().put("id", call.id()).put("name", call.name()).set("arguments", arguments(call.arguments()));
                }
            }
            attachments(item, attachments);
        }
        return frame;
    }

    /**
     * Replaces every {@code data_b64} field of a JSON tool result by a short note and collects the
     * decoded bytes as image attachments, so a screenshot shows as a picture instead of megabytes
     * of text.
     *
     * @return the content to show
     */
    static String withoutBase64(String content, List<Attachment> into) {
        String trimmed = content.strip();
        if (!content.contains("data_b64") || !(trimmed.startsWith("{") || trimmed.startsWith("["))) {
            return content;
        }
        JsonNode tree;
        try {
            tree = JSON.readTree(trimmed);
        } catch (JsonProcessingException e) {
            return content;
        }
        int before = into.size();
        strip(tree, into);
        return into.size() == before ? content : text(tree);
    }

    private static void strip(JsonNode node, List<Attachment> into) {
        if (node instanceof ObjectNode object) {
            JsonNode data = object.get("data_b64");
            if (data != null && data.isTextual() && data.textValue().matches("[A-Za-z0-9+/=\\s]{4,}")) {
                try {
                    byte[] bytes = Base64.getMimeDecoder().decode(data.textValue());
                    String mime = object.path("mime_type").asText(object.path("mime").asText("image/png"));
                    into.add(new Attachment(mime.startsWith("image/") ? mime : "image/png", object.path("name").asText(""), bytes));
                    object.put("data_b64", "[" + bytes.length + " bytes, shown as an image]");
                } catch (IllegalArgumentException notBase64) {
                    // leave it as it is
                }
            }
            object.elements().forEachRemaining(child -> strip(child, into));
        } else if (node != null && node.isArray()) {
            node.elements().forEachRemaining(child -> strip(child, into));
        }
    }

    /** Adds displayable images as {@code attachments: [{mime_type, name, data_b64}]}. */
    static void attachments(ObjectNode target, List<Attachment> attachments) {
        ArrayNode list = null;
        for (Attachment attachment : attachments) {
            if (!attachment.mimeType().startsWith("image/") || attachment.size() > MAX_INLINE_IMAGE) {
                continue;
            }
            if (list == null) {
                list = target.putArray("attachments");
            }
            list.addObject()
                    .put("mime_type", attachment.mimeType())
                    .put("name", attachment.name())
                    .put("data_b64", Base64.getEncoder().encodeToString(attachment.data()));
        }
    }

    /** @return the arguments as JSON when they parse, else as the text they are */
    static JsonNode arguments(String arguments) {
        try {
            JsonNode parsed = JSON.readTree(arguments);
            return parsed == null ? JSON.getNodeFactory().textNode(arguments) : parsed;
        } catch (JsonProcessingException e) {
            return JSON.getNodeFactory().textNode(arguments);
        }
    }
}
