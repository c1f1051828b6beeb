package org.openpista.channel.web.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.openpista.api.chat.Attachment;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.chat.Role;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.memory.SessionInfo;
import org.openpista.api.pairing.PairingState;
import org.openpista.api.pairing.QrCode;
import org.openpista.channel.support.SessionFrames;

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
            List<Attachment> attachments = message.attachments();
            if (message.role() == Role.TOOL) {
                item.put("tool_name", message.toolName());
                item.put("tool_call_id", message.toolCallId());
                item.put("is_error", message.error());
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

    /**
     * A channel's pairing: {@code state} is the phase in snake case, or {@code unavailable} when no
     * pairing service runs for the channel; {@code qr} holds the code's modules while one waits to be
     * scanned, one string of {@code 0} (light) and {@code 1} (dark) per row, without quiet zone.
     *
     * @param state the state, or {@code null} when the channel has no pairing running
     */
    static ObjectNode pairingStatus(String channel, PairingState state) {
        ObjectNode frame = frame("pairing_status").put("channel", channel);
        if (state == null) {
            return frame.put("state", "unavailable").put("account", "")
                    .put("detail", "the " + channel + " channel does not run here, or does not pair by QR code");
        }
        frame.put("state", state.phase().name().toLowerCase(Locale.ROOT))
                .put("account", state.account())
                .put("detail", state.detail())
                .put("since", time(state.since()))
                .put("version", state.version());
        QrCode qr = state.qr();
        if (qr != null) {
            ObjectNode code = frame.putObject("qr").put("size", qr.size());
            ArrayNode rows = code.putArray("rows");
            qr.rows().forEach(rows::add);
        }
        return frame;
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
