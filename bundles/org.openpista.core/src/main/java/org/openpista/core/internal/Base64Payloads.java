package org.openpista.core.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.openpista.api.chat.Attachment;
import org.openpista.api.tool.ToolResult;

/**
 * Takes base64 payloads out of tool results before the model sees them. Tools such as screen
 * capture return images as a {@code data_b64} field inside their JSON result; megabytes of base64
 * would fill the model's context and cost tokens for nothing. Each such field is replaced by a
 * short note and its bytes become an attachment that channels show to the user.
 */
final class Base64Payloads {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FIELD = "data_b64";

    private Base64Payloads() {}

    /** @return the result with every {@code data_b64} field moved into an attachment, or the result itself */
    static ToolResult strip(ToolResult result) {
        String content = result.content();
        String trimmed = content.strip();
        if (!content.contains(FIELD) || !(trimmed.startsWith("{") || trimmed.startsWith("["))) {
            return result;
        }
        JsonNode tree;
        try {
            tree = JSON.readTree(trimmed);
        } catch (JsonProcessingException notJson) {
            return result;
        }
        List<Attachment> extracted = new ArrayList<>();
        strip(tree, extracted);
        if (extracted.isEmpty()) {
            return result;
        }
        List<Attachment> attachments = new ArrayList<>(result.attachments());
        attachments.addAll(extracted);
        return new ToolResult(tree.toString(), result.error(), attachments);
    }

    private static void strip(JsonNode node, List<Attachment> into) {
        if (node instanceof ObjectNode object) {
            JsonNode data = object.get(FIELD);
            if (data != null && data.isTextual() && data.textValue().matches("[A-Za-z0-9+/=\\s]{4,}")) {
                try {
                    byte[] bytes = Base64.getMimeDecoder().decode(data.textValue());
                    String mime = object.path("mime_type").asText(object.path("mime").asText("image/png"));
                    into.add(new Attachment(mime.startsWith("image/") ? mime : "image/png", object.path("name").asText(""), bytes));
                    object.put(FIELD, "[" + bytes.length + " bytes, shown to the user as an image]");
                } catch (IllegalArgumentException notBase64) {
                    // not base64 after all: leave the field as it is
                }
            }
            object.elements().forEachRemaining(child -> strip(child, into));
        } else if (node != null && node.isArray()) {
            node.elements().forEachRemaining(child -> strip(child, into));
        }
    }
}
