package org.openpista.channel.whatsapp.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.openpista.api.chat.Attachment;

/**
 * The WhatsApp Cloud API, with the access token as bearer token: messages ({@code POST
 * {api_url}/{phone_number_id}/messages}: text, image by uploaded media id, interactive buttons),
 * media uploads ({@code POST /{phone_number_id}/media}) and downloads ({@code GET /{media-id}} for
 * the URL, then the URL).
 */
final class GraphApiClient implements Conversations.Sender {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http;
    private final URI apiUrl;
    private final URI messages;
    private final URI media;
    private final String accessToken;
    private final ObjectMapper json = new ObjectMapper();

    GraphApiClient(URI apiUrl, String phoneNumberId, String accessToken) {
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        this.apiUrl = apiUrl;
        this.messages = URI.create(apiUrl + "/" + phoneNumberId + "/messages");
        this.media = URI.create(apiUrl + "/" + phoneNumberId + "/media");
        this.accessToken = accessToken;
    }

    URI endpoint() {
        return messages;
    }

    @Override
    public CompletionStage<Void> send(String to, String text) {
        ObjectNode body = message(to, "text");
        body.putObject("text").put("preview_url", false).put("body", text);
        return post(body).thenApply(id -> null);
    }

    /** Uploads the image ({@code POST /{phone_number_id}/media}), then sends it by its media id. */
    @Override
    public CompletionStage<Boolean> sendImage(String to, Attachment image) {
        String boundary = "openpista-" + Long.toHexString(System.nanoTime());
        byte[] form = multipart(boundary, image);
        HttpRequest upload = HttpRequest.newBuilder(media)
                .timeout(TIMEOUT)
                .header("Authorization", "Bearer " + accessToken)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(form))
                .build();
        return http.sendAsync(upload, HttpResponse.BodyHandlers.ofString()).thenCompose(response -> {
            String id = response.statusCode() / 100 == 2 ? field(response.body(), "id") : "";
            if (id.isEmpty()) {
                return CompletableFuture.failedFuture(new IOException("the Graph API refused the image upload (HTTP "
                        + response.statusCode() + ": " + error(response.body()) + ")"));
            }
            ObjectNode body = message(to, "image");
            body.putObject("image").put("id", id);
            return post(body).thenApply(sent -> true);
        });
    }

    /** An interactive message with three reply buttons; the press comes back to the webhook with the button's id. */
    @Override
    public CompletionStage<String> ask(String to, WhatsAppApprovals.Question question) {
        ObjectNode body = message(to, "interactive");
        ObjectNode interactive = body.putObject("interactive").put("type", "button");
        // the Cloud API takes at most 1024 characters of body text
        String text = question.text(700);
        interactive.putObject("body").put("text", text.length() <= 1024 ? text : text.substring(0, 1023) + "…");
        ArrayNode buttons = interactive.putObject("action").putArray("buttons");
        button(buttons, question.id(), "a", "Allow");
        button(buttons, question.id(), "d", "Deny");
        button(buttons, question.id(), "c", "Allow for this chat");
        return post(body);
    }

    /**
     * Fetches a medium a webhook delivery named: {@code GET /{media-id}} for its URL and size, then
     * the download, both with the access token.
     *
     * @param mediaId the id from the delivery
     * @param maxBytes the largest medium taken
     * @return the bytes and the type WhatsApp gives
     * @throws IOException with a sentence for the sender when it is too large or cannot be fetched
     */
    Fetched fetchMedia(String mediaId, long maxBytes) throws IOException, InterruptedException {
        if (!mediaId.matches("[A-Za-z0-9_.-]{1,128}")) {
            throw new IOException("the message named no valid media id");
        }
        HttpResponse<String> lookup = http.send(HttpRequest.newBuilder(URI.create(apiUrl + "/" + mediaId))
                .timeout(TIMEOUT).header("Authorization", "Bearer " + accessToken).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (lookup.statusCode() / 100 != 2) {
            throw new IOException("WhatsApp did not hand out the file (HTTP " + lookup.statusCode() + ": "
                    + error(lookup.body()) + ")");
        }
        JsonNode node = json.readTree(lookup.body());
        String url = node.path("url").asText("");
        long announced = node.path("file_size").asLong(0);
        if (announced > maxBytes) {
            throw new IOException(WhatsAppMedia.tooLarge(announced));
        }
        URI location;
        try {
            location = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IOException("WhatsApp gave no valid address for the file");
        }
        // the token goes only over TLS, or to the configured API's own host
        boolean trusted = "https".equals(location.getScheme())
                || "http".equals(location.getScheme()) && String.valueOf(location.getHost()).equals(apiUrl.getHost());
        if (!trusted) {
            throw new IOException("WhatsApp gave an address for the file that the access token is not sent to");
        }
        HttpResponse<InputStream> download = http.send(HttpRequest.newBuilder(location).timeout(TIMEOUT)
                .header("Authorization", "Bearer " + accessToken).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        byte[] data;
        try (InputStream in = download.body()) {
            if (download.statusCode() / 100 != 2) {
                throw new IOException("the file could not be downloaded from WhatsApp (HTTP " + download.statusCode() + ")");
            }
            data = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        }
        if (data.length > maxBytes) {
            throw new IOException(WhatsAppMedia.tooLarge(data.length));
        }
        String sha256 = node.path("sha256").asText("");
        if (!sha256.isEmpty() && !sha256.equalsIgnoreCase(sha256(data))) {
            throw new IOException("the file arrived damaged (its checksum does not match)");
        }
        return new Fetched(node.path("mime_type").asText(""), data);
    }

    /** A downloaded medium. */
    record Fetched(String mimeType, byte[] data) {}

    private ObjectNode message(String to, String type) {
        return json.createObjectNode()
                .put("messaging_product", "whatsapp")
                .put("recipient_type", "individual")
                .put("to", Allowlist.digits(to))
                .put("type", type);
    }

    private static void button(ArrayNode buttons, String question, String choice, String title) {
        buttons.addObject().put("type", "reply").putObject("reply").put("id", WhatsAppApprovals.PREFIX + question + ":" + choice)
                .put("title", title);
    }

    /** Posts a message; completes with its id ({@code wamid.…}). */
    private CompletionStage<String> post(ObjectNode body) {
        HttpRequest request = HttpRequest.newBuilder(messages)
                .timeout(TIMEOUT)
                .header("Authorization", "Bearer " + accessToken)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenCompose(response -> {
            if (response.statusCode() / 100 == 2) {
                String id = "";
                try {
                    id = json.readTree(response.body()).path("messages").path(0).path("id").asText("");
                } catch (IOException e) {
                    // accepted; the id is only a convenience
                }
                return CompletableFuture.completedFuture(id);
            }
            return CompletableFuture.failedFuture(new IOException(
                    "the Graph API refused the message (HTTP " + response.statusCode() + ": " + error(response.body()) + ")"));
        });
    }

    private static byte[] multipart(String boundary, Attachment image) {
        String name = image.name().isEmpty() ? WhatsAppMedia.defaultName("image", image.mimeType()) : image.name();
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"messaging_product\"\r\n\r\nwhatsapp\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\n" + image.mimeType() + "\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + name.replaceAll("[\"\\r\\n]", "_") + "\"\r\nContent-Type: " + image.mimeType() + "\r\n\r\n";
        String tail = "\r\n--" + boundary + "--\r\n";
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(head.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(image.data());
        out.writeBytes(tail.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private String field(String body, String name) {
        try {
            return json.readTree(body).path(name).asText("");
        } catch (IOException e) {
            return "";
        }
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the error message of a Graph API error body, or the start of the body */
    private String error(String body) {
        try {
            JsonNode node = json.readTree(body);
            String message = node.path("error").path("message").asText("");
            if (!message.isEmpty()) {
                return message;
            }
        } catch (IOException e) {
            // not JSON: show the text itself
        }
        String text = body == null ? "" : body.strip();
        return text.length() <= 200 ? text : text.substring(0, 200) + "…";
    }
}
