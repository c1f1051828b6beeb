package org.openpista.channel.whatsapp.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Reads event lines and writes command lines of the bridge protocol. */
final class BridgeLines {

    /** A line that is not an event. */
    static final class MalformedLine extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedLine(String message) {
            super(message);
        }
    }

    private final ObjectMapper json = new ObjectMapper();

    /**
     * @throws MalformedLine when the line is not a JSON object with a string {@code type}, or an
     *     event lacks what it needs
     */
    BridgeEvent parse(String line) throws MalformedLine {
        JsonNode node;
        try {
            node = json.readTree(line);
        } catch (JsonProcessingException e) {
            throw new MalformedLine("not JSON");
        }
        if (node == null || !node.isObject()) {
            throw new MalformedLine("not a JSON object");
        }
        JsonNode type = node.get("type");
        if (type == null || !type.isTextual()) {
            throw new MalformedLine("no \"type\"");
        }
        return switch (type.textValue()) {
            case "qr" -> new BridgeEvent.Qr(required(node, "data"));
            case "connected" -> new BridgeEvent.Connected(text(node, "phone"), text(node, "name"),
                    node.path("confirms").asBoolean(false), node.path("media").asBoolean(false));
            case "disconnected" -> new BridgeEvent.Disconnected(text(node, "reason"));
            case "message" -> message(node);
            case "error" -> new BridgeEvent.Error(text(node, "message"), ref(node));
            case "sent" -> new BridgeEvent.Sent(text(node, "to"), text(node, "id"), ref(node));
            default -> new BridgeEvent.Unknown(type.textValue());
        };
    }

    private static BridgeEvent.Message message(JsonNode node) throws MalformedLine {
        JsonNode media = node.get("media");
        BridgeEvent.Media attached = null;
        if (media != null && media.isObject()) {
            attached = new BridgeEvent.Media(text(media, "kind"), text(media, "mimetype"), text(media, "fileName"),
                    text(media, "file"), text(media, "error"));
        }
        String text = attached != null && !node.path("text").isTextual() ? "" : requiredText(node);
        return new BridgeEvent.Message(required(node, "from"), text, node.path("timestamp").asLong(0),
                node.path("selfChat").asBoolean(false), text(node, "id"), text(node, "name"), text(node, "quoted"),
                attached);
    }

    /**
     * @return the {@code send_image} command line (an extension): the image as base64, without the
     *     line break
     */
    String sendImage(String to, String mimeType, byte[] data, String caption, String ref) {
        ObjectNode command = json.createObjectNode().put("type", "send_image").put("to", to).put("mimetype", mimeType)
                .put("data", java.util.Base64.getEncoder().encodeToString(data)).put("caption", caption);
        if (ref != null) {
            command.put("ref", ref);
        }
        return command.toString();
    }

    /** @return the {@code send} command line, without the line break */
    String send(String to, String text, String ref) {
        ObjectNode command = json.createObjectNode().put("type", "send").put("to", to).put("text", text);
        if (ref != null) {
            command.put("ref", ref);
        }
        return command.toString();
    }

    /** @return a command without arguments, such as {@code shutdown} */
    String command(String type) {
        return json.createObjectNode().put("type", type).toString();
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? "" : value.asText();
    }

    private static String ref(JsonNode node) {
        JsonNode value = node.get("ref");
        return value == null || value.isNull() ? null : value.isTextual() ? value.textValue() : value.toString();
    }

    private static String required(JsonNode node, String field) throws MalformedLine {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.textValue().isEmpty()) {
            throw new MalformedLine(node.get("type").textValue() + " event without \"" + field + "\"");
        }
        return value.textValue();
    }

    private static String requiredText(JsonNode node) throws MalformedLine {
        JsonNode value = node.get("text");
        if (value == null || !value.isTextual()) {
            throw new MalformedLine("message event without \"text\"");
        }
        return value.textValue();
    }
}
