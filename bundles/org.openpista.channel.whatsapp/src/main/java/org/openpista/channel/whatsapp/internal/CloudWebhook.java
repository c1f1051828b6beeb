package org.openpista.channel.whatsapp.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Cloud API webhook without the servlet around it: the {@code GET} subscription check and the
 * {@code POST} deliveries. A delivery is processed only when its {@code X-Hub-Signature-256} is the
 * HMAC of its raw body with the app secret; anything else gets 401 and is not looked at. Text
 * messages to the configured number go to the agent, each message id once.
 */
final class CloudWebhook {

    /** What to answer. */
    record Response(int status, String body) {}

    /** Larger bodies are refused: a delivery of a few messages is a few kilobytes. */
    static final int MAX_BODY = 1 << 20;

    private static final Logger LOG = LoggerFactory.getLogger(CloudWebhook.class);

    private final WhatsAppSettings settings;
    private final Conversations conversations;
    private final SeenMessages seen = new SeenMessages(10_000);
    private final ObjectMapper json = new ObjectMapper();

    CloudWebhook(WhatsAppSettings settings, Conversations conversations) {
        this.settings = settings;
        this.conversations = conversations;
    }

    /** {@code GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…}: echo the challenge when the token matches. */
    Response verify(String mode, String token, String challenge) {
        boolean tokenMatches = token != null && MessageDigest.isEqual(
                token.getBytes(StandardCharsets.UTF_8), settings.verifyToken().getBytes(StandardCharsets.UTF_8));
        if (!"subscribe".equals(mode) || !tokenMatches || settings.verifyToken().isEmpty()) {
            LOG.warn("WhatsApp webhook: refused a subscription check (wrong hub.mode or hub.verify_token)");
            return new Response(403, "forbidden");
        }
        return new Response(200, challenge == null ? "" : challenge);
    }

    /** {@code POST}: a signed delivery. */
    Response deliver(byte[] body, String signature) {
        if (!WebhookSignature.valid(body, signature, settings.appSecret())) {
            LOG.warn("WhatsApp webhook: refused a delivery with a {} {}", WebhookSignature.HEADER,
                    signature == null ? "header missing" : "that does not match");
            return new Response(401, "invalid signature");
        }
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (IOException e) {
            return new Response(400, "the body is not JSON");
        }
        if (root == null || !root.isObject()) {
            return new Response(400, "the body is not a JSON object");
        }
        for (JsonNode entry : root.path("entry")) {
            for (JsonNode change : entry.path("changes")) {
                JsonNode value = change.path("value");
                String numberId = value.path("metadata").path("phone_number_id").asText("");
                if (!numberId.equals(settings.phoneNumberId())) {
                    LOG.debug("WhatsApp webhook: ignored a change for phone number id {}", numberId);
                    continue;
                }
                for (JsonNode message : value.path("messages")) {
                    received(message);
                }
            }
        }
        return new Response(200, "EVENT_RECEIVED");
    }

    private void received(JsonNode message) {
        String id = message.path("id").asText("");
        String from = message.path("from").asText("");
        if (from.isEmpty()) {
            return;
        }
        if (!id.isEmpty() && !seen.firstTime(id)) {
            LOG.debug("WhatsApp webhook: message {} delivered again; already handled", id);
            return;
        }
        String text = switch (message.path("type").asText("")) {
            case "text" -> message.path("text").path("body").asText("");
            case "button" -> message.path("button").path("text").asText("");
            case "image", "video", "document" -> message.path(message.path("type").asText()).path("caption").asText("");
            default -> "";
        };
        if (text.isBlank()) {
            LOG.debug("WhatsApp webhook: ignored a {} message without text", message.path("type").asText("?"));
            return;
        }
        conversations.received(from, from, text, false, id);
    }
}
