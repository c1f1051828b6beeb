package org.openpista.channel.web.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.openpista.api.chat.Attachment;

/**
 * The optional {@code attachments} of a {@code message} frame, in the shape the server sends them
 * ({@code [{mime_type, name, data_b64}]}). The frame limit ({@code max_frame_bytes}) bounds their
 * size before anything is read; what they contain is checked by the agent, the same for every
 * channel.
 */
final class Uploads {

    private Uploads() {}

    /**
     * @param field the frame's {@code attachments}, or {@code null}
     * @return the attachments, empty when there are none
     * @throws IllegalArgumentException with a message for the user when the field is malformed
     */
    static List<Attachment> of(JsonNode field) {
        if (field == null || field.isNull()) {
            return List.of();
        }
        if (!field.isArray()) {
            throw new IllegalArgumentException("\"attachments\" must be a list of {mime_type, name, data_b64}");
        }
        List<Attachment> attachments = new ArrayList<>();
        for (JsonNode item : field) {
            String name = item.path("name").asText("");
            JsonNode data = item.get("data_b64");
            if (data == null || !data.isTextual()) {
                throw new IllegalArgumentException("the attachment \"" + name + "\" has no \"data_b64\" string");
            }
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(data.textValue());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the attachment \"" + name + "\" is not valid base64");
            }
            attachments.add(new Attachment(item.path("mime_type").asText(""), name, bytes));
        }
        return attachments;
    }
}
