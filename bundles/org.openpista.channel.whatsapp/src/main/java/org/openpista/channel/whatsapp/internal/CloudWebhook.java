package org.openpista.channel.whatsapp.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.openpista.api.chat.Attachment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Cloud API webhook without the servlet around it: the {@code GET} subscription check and the
 * {@code POST} deliveries. A delivery is processed only when its {@code X-Hub-Signature-256} is the
 * HMAC of its raw body with the app secret; anything else gets 401 and is not looked at. Messages
 * to the configured number from allowed senders go to the agent, each message id once: texts, and
 * photos and documents fetched from the Graph API; reply buttons answer approval questions.
 */
final class CloudWebhook {

    /** What to answer. */
    record Response(int status, String body) {}

    /** Larger bodies are refused: a delivery of a few messages is a few kilobytes. */
    static final int MAX_BODY = 1 << 20;

    private static final Logger LOG = LoggerFactory.getLogger(CloudWebhook.class);

    private final WhatsAppSettings settings;
    private final Conversations conversations;
    private final GraphApiClient graph;
    private final Executor fetcher;
    private final SeenMessages seen = new SeenMessages(10_000);
    private final ObjectMapper json = new ObjectMapper();

    /**
     * @param graph fetches the media of messages
     * @param fetcher where media are fetched, off the webhook's thread
     */
    CloudWebhook(WhatsAppSettings settings, Conversations conversations, GraphApiClient graph, Executor fetcher) {
        this.settings = settings;
        this.conversations = conversations;
        this.graph = graph;
        this.fetcher = fetcher;
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
        if (!conversations.allows(from, false)) {
            LOG.debug("WhatsApp webhook: ignored a message from {} (not in allowed_numbers)", Allowlist.mask(from));
            return;
        }
        String type = message.path("type").asText("");
        switch (type) {
            case "text" -> text(from, id, message.path("text").path("body").asText(""));
            case "button" -> text(from, id, message.path("button").path("text").asText(""));
            case "interactive" -> interactive(from, id, message.path("interactive"));
            case "image", "document", "sticker", "video", "audio" -> media(from, id, type, message.path(type));
            case "location", "contacts", "unsupported" -> conversations.tell(from, WhatsAppMedia.UNREADABLE);
            // reactions, system notices, orders: nothing to answer
            default -> LOG.debug("WhatsApp webhook: a {} message from {} is not read", type, Allowlist.mask(from));
        }
    }

    private void text(String from, String id, String text) {
        if (text.isBlank()) {
            LOG.debug("WhatsApp webhook: ignored a message without text");
            return;
        }
        conversations.received(from, from, text, false, id);
    }

    /** A reply button or list row pressed: an approval answer, or its title as text. */
    private void interactive(String from, String id, JsonNode interactive) {
        JsonNode reply = interactive.path("button_reply").isObject() ? interactive.path("button_reply")
                : interactive.path("list_reply");
        String buttonId = reply.path("id").asText("");
        if (conversations.answered(conversations.approvals().press(buttonId, from), from)) {
            return;
        }
        text(from, id, reply.path("title").asText(""));
    }

    /** Photos, documents and voice notes are fetched off the webhook's thread (WhatsApp wants its 200 at once), then handed on. */
    private void media(String from, String id, String type, JsonNode medium) {
        String caption = medium.path("caption").asText("");
        String kind = type.equals("audio") && medium.path("voice").asBoolean(false) ? "voice" : type;
        if (!WhatsAppMedia.taken(kind)) {
            conversations.tell(from, WhatsAppMedia.UNREADABLE);
            return;
        }
        String mediaId = medium.path("id").asText("");
        String announced = medium.path("mime_type").asText("");
        String name = medium.path("filename").asText("");
        try {
            fetcher.execute(() -> {
                try {
                    GraphApiClient.Fetched fetched = graph.fetchMedia(mediaId, WhatsAppMedia.MAX_BYTES);
                    String mimeType = !announced.isEmpty() ? announced : fetched.mimeType();
                    conversations.received(from, from, caption, false, id, List.of(new Attachment(
                            mimeType.isEmpty() ? "application/octet-stream" : mimeType,
                            name.isEmpty() ? WhatsAppMedia.defaultName(kind, mimeType) : name, fetched.data())));
                } catch (IOException e) {
                    LOG.info("WhatsApp webhook: a file from {} was not taken: {}", Allowlist.mask(from), e.getMessage());
                    conversations.tell(from, Conversations.ERROR_MARK + e.getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        } catch (RejectedExecutionException stopping) {
            LOG.debug("WhatsApp webhook: the channel is stopping; a file from {} was not fetched", Allowlist.mask(from));
        }
    }
}
