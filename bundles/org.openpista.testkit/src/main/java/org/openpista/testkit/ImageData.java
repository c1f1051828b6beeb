package org.openpista.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * Images in the requests the fake model servers record: the checks the vendors make on image parts
 * (types, base64) and the way tests take the images back out of a request.
 */
public final class ImageData {

    /** The image types the vendors accept. */
    public static final Set<String> TYPES = Set.of("image/png", "image/jpeg", "image/gif", "image/webp");

    /** An image found in a request. */
    public record Image(String mimeType, byte[] data) {}

    private ImageData() {}

    /** @return whether the URL is an http(s) URL or a base64 data URL of an accepted image type */
    static boolean validUrl(String url) {
        if (url.startsWith("https://") || url.startsWith("http://")) {
            return true;
        }
        return fromDataUrl(url) != null;
    }

    /** @return the image of a {@code data:TYPE;base64,DATA} URL, or {@code null} when it is not one */
    static Image fromDataUrl(String url) {
        if (!url.startsWith("data:")) {
            return null;
        }
        int marker = url.indexOf(";base64,");
        if (marker < 0) {
            return null;
        }
        String type = url.substring(5, marker);
        byte[] data = decode(url.substring(marker + 8));
        return TYPES.contains(type) && data != null ? new Image(type, data) : null;
    }

    /** @return the bytes of non-empty standard base64, or {@code null} */
    static byte[] decode(String base64) {
        try {
            byte[] data = Base64.getDecoder().decode(base64);
            return data.length == 0 ? null : data;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * @param body a recorded request body of any of the three wire formats (Chat Completions,
     *     Anthropic Messages, Responses)
     * @return the images of its user messages, in order
     */
    public static List<Image> inRequest(JsonNode body) {
        List<Image> images = new java.util.ArrayList<>();
        JsonNode messages = body.has("messages") ? body.path("messages") : body.path("input");
        for (JsonNode message : messages) {
            for (JsonNode part : message.path("content")) {
                Image image = switch (part.path("type").asText()) {
                    case "image_url" -> fromDataUrl(part.path("image_url").path("url").asText(""));
                    case "input_image" -> fromDataUrl(part.path("image_url").asText(""));
                    case "image" -> {
                        byte[] data = decode(part.path("source").path("data").asText(""));
                        yield data == null ? null : new Image(part.path("source").path("media_type").asText(), data);
                    }
                    default -> null;
                };
                if (image != null) {
                    images.add(image);
                }
            }
        }
        return images;
    }
}
