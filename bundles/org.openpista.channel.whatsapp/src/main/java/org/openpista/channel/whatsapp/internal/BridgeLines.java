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
                    node.path("confirms").asBoolean(false));
            case "disconnected" -> new BridgeEvent.Disconnected(text(node, "reason"));
            case "message" -> new BridgeEvent.Message(required(node, "from"), requiredText(node),
                    node.path("timestamp").asLong(0), node.path("selfChat").asBoolean(false), text(node, "id"),
                    text(node, "name"));
            case "error" -> new BridgeEvent.Error(text(node, "message"), ref(node));
            case "sent" -> new BridgeEvent.Sent(text(node, "to"), text(node, "id"), ref(node));
            default -> new BridgeEvent.Unknown(type.textValue());
        };
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
