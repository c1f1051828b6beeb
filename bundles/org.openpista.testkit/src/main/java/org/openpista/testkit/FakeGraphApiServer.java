package org.openpista.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A fake of the WhatsApp Cloud API's Graph endpoints, on 127.0.0.1. Messages: {@code POST
 * /v21.0/{phone_number_id}/messages} with {@code Authorization: Bearer <access token>} and the
 * real JSON body ({@code messaging_product: "whatsapp"}, {@code to}, {@code type: "text"}, {@code
 * text.body}). It answers like the Graph API: {@code {"messaging_product":"whatsapp","contacts":[…],
 * "messages":[{"id":"wamid.…"}]}}, or an error object with the Graph API's codes (190 for a bad
 * token, 100 for an invalid parameter, 131030 for a recipient not on the allowed list). Besides
 * text it takes image messages (by the id of an uploaded medium) and interactive messages of reply
 * buttons (with the Cloud API's limits). Media: uploads ({@code POST /{phone_number_id}/media},
 * multipart), lookups ({@code GET /{media-id}}, answered with a download URL on this fake, the
 * type, the SHA-256 and the size) and downloads of that URL, all with the bearer token.
 *
 * <p>It also builds what WhatsApp sends to a webhook, so tests can play WhatsApp's side: {@link
 * #textDelivery}, {@link #mediaDelivery} and {@link #buttonReplyDelivery} make the JSON of an
 * incoming text, medium or button press, and {@link #signature} the {@code
 * X-Hub-Signature-256} header for it.
 */
public final class FakeGraphApiServer implements AutoCloseable {

    /** The Graph API version in the fake's paths. */
    public static final String VERSION = "v21.0";
    /** The longest text body the Cloud API accepts. */
    public static final int MAX_TEXT = 4096;

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Types the fake takes as uploads. */
    private static final java.util.Set<String> UPLOAD_TYPES = java.util.Set.of("image/png", "image/jpeg", "application/pdf");
    /** Types an image message may carry. */
    private static final java.util.Set<String> IMAGE_TYPES = java.util.Set.of("image/png", "image/jpeg");

    /**
     * A message the fake accepted or refused.
     *
     * @param phoneNumberId the sender number's id from the path
     * @param authorization the Authorization header as sent
     * @param body the request body
     * @param status the HTTP status answered
     * @param at when it arrived
     */
    public record Call(String phoneNumberId, String authorization, JsonNode body, int status, Instant at) {

        /** @return the recipient */
        public String to() {
            return body.path("to").asText("");
        }

        /** @return the text body */
        public String text() {
            return body.path("text").path("body").asText("");
        }

        /** @return the message type: {@code text}, {@code image}, {@code interactive} */
        public String type() {
            return body.path("type").asText("text");
        }

        /** @return the ids of an interactive message's reply buttons, in order */
        public List<String> buttonIds() {
            List<String> ids = new ArrayList<>();
            for (JsonNode button : body.path("interactive").path("action").path("buttons")) {
                ids.add(button.path("reply").path("id").asText(""));
            }
            return ids;
        }

        /** @return an interactive message's body text */
        public String interactiveText() {
            return body.path("interactive").path("body").path("text").asText("");
        }
    }

    /**
     * A medium held by the fake: uploaded by the client ({@code POST /{phone_number_id}/media}) or
     * placed by a test as if a user had sent it ({@link #addMedia}).
     *
     * @param id the media id
     * @param mimeType its type
     * @param data its bytes
     * @param uploaded whether the client uploaded it
     */
    public record Medium(String id, String mimeType, byte[] data, boolean uploaded) {}

    private final LoopbackHttpServer server;
    private final String phoneNumberId;
    private final String accessToken;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Deque<int[]> failures = new ConcurrentLinkedDeque<>();
    private final AtomicLong ids = new AtomicLong();
    private final Map<String, Medium> media = new ConcurrentHashMap<>();
    private final List<String> mediaRequests = new CopyOnWriteArrayList<>();

    /**
     * Starts the fake on an ephemeral port.
     *
     * @param phoneNumberId the business number's id it serves
     * @param accessToken the access token it accepts
     */
    public FakeGraphApiServer(String phoneNumberId, String accessToken) {
        this.phoneNumberId = phoneNumberId;
        this.accessToken = accessToken;
        server = new LoopbackHttpServer("fake Graph API", 0, this::dispatch);
    }

    /** @return the API root to configure as {@code api_url}, e.g. {@code http://127.0.0.1:1234/v21.0} */
    public URI apiUrl() {
        return URI.create("http://127.0.0.1:" + server.port() + "/" + VERSION);
    }

    /** @return every messages request received, oldest first */
    public List<Call> calls() {
        return List.copyOf(calls);
    }

    /** @return the accepted messages, oldest first */
    public List<Call> accepted() {
        List<Call> accepted = new ArrayList<>();
        for (Call call : calls) {
            if (call.status() == 200) {
                accepted.add(call);
            }
        }
        return accepted;
    }

    /**
     * Waits until the fake accepted at least {@code count} messages.
     *
     * @return the accepted messages
     * @throws AssertionError when they do not arrive in time
     */
    public List<Call> awaitAccepted(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (accepted().size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the fake Graph API accepted " + accepted().size() + " of " + count
                        + " messages within " + timeout + "; calls: " + calls);
            }
            Thread.sleep(20);
        }
        return accepted();
    }

    /**
     * Holds a medium as WhatsApp does for one a user sent: a webhook delivery names it by id, the
     * client looks it up ({@code GET /{media-id}}, answered with a download URL on this fake) and
     * downloads it with the access token.
     *
     * @return the media id to put in a delivery ({@link #mediaDelivery})
     */
    public String addMedia(String mimeType, byte[] data) {
        String id = Long.toString(9_000_000_000L + ids.incrementAndGet());
        media.put(id, new Medium(id, mimeType, data.clone(), false));
        return id;
    }

    /** @return the media the client uploaded, oldest first */
    public List<Medium> uploads() {
        return media.values().stream().filter(Medium::uploaded)
                .sorted(java.util.Comparator.comparingLong(medium -> Long.parseLong(medium.id()))).toList();
    }

    /** @return every media lookup and download request ({@code "GET /v21.0/123"}, {@code "GET /download/123"}), oldest first */
    public List<String> mediaRequests() {
        return List.copyOf(mediaRequests);
    }

    /** The next message request fails with this HTTP status and Graph API error code. */
    public FakeGraphApiServer failNext(int status, int code) {
        failures.add(new int[] {status, code});
        return this;
    }

    /**
     * @return the JSON WhatsApp posts to a webhook for one incoming text message
     * @param phoneNumberId the business number's id the message was sent to
     * @param from the sender's number (digits)
     * @param messageId the message id ({@code wamid.…})
     * @param text the text
     */
    public static String textDelivery(String phoneNumberId, String from, String messageId, String text) {
        ObjectNode root = JSON.createObjectNode().put("object", "whatsapp_business_account");
        ObjectNode value = root.putArray("entry").addObject().put("id", "WABA-1")
                .putArray("changes").addObject().put("field", "messages").putObject("value");
        value.put("messaging_product", "whatsapp");
        value.putObject("metadata").put("display_phone_number", "15550000000").put("phone_number_id", phoneNumberId);
        value.putArray("contacts").addObject().put("wa_id", from).putObject("profile").put("name", "Test User");
        ObjectNode message = value.putArray("messages").addObject();
        message.put("from", from).put("id", messageId).put("timestamp", Long.toString(Instant.now().getEpochSecond()))
                .put("type", "text");
        message.putObject("text").put("body", text);
        return root.toString();
    }

    /**
     * @return the JSON WhatsApp posts to a webhook for one incoming photo, document, voice note ({@code
     *     audio}) or sticker
     * @param type {@code image}, {@code document}, {@code audio}, {@code sticker}, {@code video}
     * @param mediaId the medium's id ({@link #addMedia})
     * @param caption the caption, or {@code null}
     * @param filename a document's file name, or {@code null}
     */
    public static String mediaDelivery(String phoneNumberId, String from, String messageId, String type, String mediaId,
            String mimeType, String caption, String filename) {
        ObjectNode root = delivery(phoneNumberId, from, messageId, type);
        ObjectNode medium = ((ObjectNode) root.at("/entry/0/changes/0/value/messages/0")).putObject(type);
        medium.put("id", mediaId).put("mime_type", mimeType).put("sha256", "ignored-by-clients");
        if (caption != null) {
            medium.put("caption", caption);
        }
        if (filename != null) {
            medium.put("filename", filename);
        }
        if (type.equals("audio")) {
            medium.put("voice", true);
        }
        return root.toString();
    }

    /**
     * @return the JSON WhatsApp posts to a webhook when a user presses a reply button of an
     *     interactive message
     * @param contextMessageId the id of the interactive message the button belongs to
     * @param buttonId the pressed button's id
     * @param title its title
     */
    public static String buttonReplyDelivery(String phoneNumberId, String from, String messageId, String contextMessageId,
            String buttonId, String title) {
        ObjectNode root = delivery(phoneNumberId, from, messageId, "interactive");
        ObjectNode message = (ObjectNode) root.at("/entry/0/changes/0/value/messages/0");
        message.putObject("context").put("from", "15550000000").put("id", contextMessageId);
        message.putObject("interactive").put("type", "button_reply").putObject("button_reply").put("id", buttonId)
                .put("title", title);
        return root.toString();
    }

    private static ObjectNode delivery(String phoneNumberId, String from, String messageId, String type) {
        ObjectNode root = JSON.createObjectNode().put("object", "whatsapp_business_account");
        ObjectNode value = root.putArray("entry").addObject().put("id", "WABA-1")
                .putArray("changes").addObject().put("field", "messages").putObject("value");
        value.put("messaging_product", "whatsapp");
        value.putObject("metadata").put("display_phone_number", "15550000000").put("phone_number_id", phoneNumberId);
        value.putArray("contacts").addObject().put("wa_id", from).putObject("profile").put("name", "Test User");
        value.putArray("messages").addObject().put("from", from).put("id", messageId)
                .put("timestamp", Long.toString(Instant.now().getEpochSecond())).put("type", type);
        return root;
    }

    /** @return the {@code X-Hub-Signature-256} header WhatsApp sends with a body: {@code sha256=<hex HMAC>} */
    public static String signature(String body, String appSecret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(appSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.close();
    }

    private void dispatch(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] raw;
            try (InputStream in = exchange.getRequestBody()) {
                raw = in.readAllBytes();
            }
            String[] path = exchange.getRequestURI().getPath().split("/");
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            boolean authorized = ("Bearer " + accessToken).equals(authorization);
            String method = exchange.getRequestMethod();
            // "", "download", "{media-id}": the download URL a lookup hands out (on WhatsApp's CDN, also with the token)
            if (path.length == 3 && path[1].equals("download") && method.equals("GET")) {
                mediaRequests.add("GET " + exchange.getRequestURI().getPath());
                Medium medium = media.get(path[2]);
                if (!authorized) {
                    respond(exchange, 401, error("Invalid OAuth access token - Cannot parse access token", 190));
                } else if (medium == null) {
                    respond(exchange, 404, error("Unknown media", 100));
                } else {
                    exchange.getResponseHeaders().set("Content-Type", medium.mimeType());
                    exchange.sendResponseHeaders(200, medium.data().length == 0 ? -1 : medium.data().length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(medium.data());
                    }
                }
                return;
            }
            boolean versioned = path.length >= 3 && path[1].matches("v\\d+\\.\\d+");
            // "", "v21.0", "{media-id}": a media lookup
            if (versioned && path.length == 3 && method.equals("GET")) {
                mediaRequests.add("GET " + exchange.getRequestURI().getPath());
                lookup(exchange, path[2], authorized);
                return;
            }
            // "", "v21.0", "{phone_number_id}", "messages" | "media"
            if (!versioned || path.length != 4 || !(path[3].equals("messages") || path[3].equals("media"))) {
                respond(exchange, 404, error("Unknown path components: " + exchange.getRequestURI().getPath(), 2500));
                return;
            }
            if (!method.equals("POST")) {
                respond(exchange, 400, error("Unsupported " + method + " request.", 100));
                return;
            }
            if (path[3].equals("media")) {
                upload(exchange, path[2], authorized, raw);
                return;
            }
            JsonNode body;
            try {
                body = JSON.readTree(raw);
            } catch (IOException e) {
                body = JSON.createObjectNode();
            }
            if (body == null) {
                body = JSON.createObjectNode();
            }
            int status;
            String answer;
            int[] failure = failures.poll();
            if (!authorized) {
                status = 401;
                answer = error("Invalid OAuth access token - Cannot parse access token", 190);
            } else if (!path[2].equals(phoneNumberId)) {
                status = 400;
                answer = error("Unsupported post request. Object with ID '" + path[2] + "' does not exist", 100);
            } else if (failure != null) {
                status = failure[0];
                answer = error("scripted failure", failure[1]);
            } else {
                String problem = validate(body, exchange.getRequestHeaders().getFirst("Content-Type"));
                if (problem != null) {
                    status = 400;
                    answer = error(problem, 100);
                } else {
                    status = 200;
                    String to = body.path("to").asText();
                    ObjectNode ok = JSON.createObjectNode().put("messaging_product", "whatsapp");
                    ok.putArray("contacts").addObject().put("input", to).put("wa_id", to);
                    ok.putArray("messages").addObject().put("id", "wamid.FAKE" + ids.incrementAndGet());
                    answer = ok.toString();
                }
            }
            calls.add(new Call(path[2], authorization, body, status, Instant.now()));
            respond(exchange, status, answer);
        }
    }

    /** {@code GET /{media-id}}: the medium's download URL, type, checksum and size, as the Graph API answers. */
    private void lookup(HttpExchange exchange, String id, boolean authorized) throws IOException {
        Medium medium = media.get(id);
        if (!authorized) {
            respond(exchange, 401, error("Invalid OAuth access token - Cannot parse access token", 190));
            return;
        }
        if (medium == null) {
            respond(exchange, 400, error("Unsupported get request. Object with ID '" + id + "' does not exist", 100));
            return;
        }
        ObjectNode ok = JSON.createObjectNode().put("messaging_product", "whatsapp")
                .put("url", "http://127.0.0.1:" + server.port() + "/download/" + id)
                .put("mime_type", medium.mimeType()).put("sha256", sha256(medium.data()))
                .put("file_size", Integer.toString(medium.data().length)).put("id", id);
        respond(exchange, 200, ok.toString());
    }

    /** {@code POST /{phone_number_id}/media}: a multipart upload with messaging_product, type and file. */
    private void upload(HttpExchange exchange, String numberId, boolean authorized, byte[] raw) throws IOException {
        if (!authorized) {
            respond(exchange, 401, error("Invalid OAuth access token - Cannot parse access token", 190));
            return;
        }
        if (!numberId.equals(phoneNumberId)) {
            respond(exchange, 400, error("Unsupported post request. Object with ID '" + numberId + "' does not exist", 100));
            return;
        }
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        ObjectNode params = JSON.createObjectNode();
        Map<String, byte[]> files = new java.util.LinkedHashMap<>();
        try {
            if (contentType == null || !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("multipart/form-data")) {
                throw new IllegalArgumentException("the upload must be multipart/form-data");
            }
            Multipart.parse(contentType, raw, params, files);
        } catch (IllegalArgumentException e) {
            respond(exchange, 400, error("(#100) " + e.getMessage(), 100));
            return;
        }
        String type = params.path("type").asText("");
        if (!params.path("messaging_product").asText("").equals("whatsapp")) {
            respond(exchange, 400, error("(#100) The parameter messaging_product is required.", 100));
        } else if (!files.containsKey("file") || files.get("file").length == 0) {
            respond(exchange, 400, error("(#100) The parameter file is required.", 100));
        } else if (!UPLOAD_TYPES.contains(type)) {
            respond(exchange, 400, error("(#100) Param type must be one of " + UPLOAD_TYPES, 100));
        } else {
            String id = Long.toString(9_000_000_000L + ids.incrementAndGet());
            media.put(id, new Medium(id, type, files.get("file"), true));
            respond(exchange, 200, JSON.createObjectNode().put("id", id).toString());
        }
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An interactive message of reply buttons, with the Cloud API's limits. */
    private static String validateInteractive(JsonNode interactive) {
        if (!interactive.path("type").asText("").equals("button")) {
            return "(#100) The fake knows interactive messages of type button";
        }
        String text = interactive.path("body").path("text").asText("");
        if (text.isEmpty() || text.length() > 1024) {
            return "(#100) Param interactive['body']['text'] must be 1 to 1024 characters long.";
        }
        JsonNode buttons = interactive.path("action").path("buttons");
        if (!buttons.isArray() || buttons.isEmpty() || buttons.size() > 3) {
            return "(#100) Param interactive['action']['buttons'] must have 1 to 3 buttons.";
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (JsonNode button : buttons) {
            String id = button.path("reply").path("id").asText("");
            String title = button.path("reply").path("title").asText("");
            if (!button.path("type").asText("").equals("reply") || id.isEmpty() || id.length() > 256 || !seen.add(id)) {
                return "(#100) Invalid parameter: a button needs type reply and a unique id of at most 256 characters";
            }
            if (title.isEmpty() || title.length() > 20) {
                return "(#100) Param interactive['action']['buttons'][]['reply']['title'] must be 1 to 20 characters long.";
            }
        }
        return null;
    }

    private String validate(JsonNode body, String contentType) {
        if (contentType == null || !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            return "(#100) The request body must be JSON (Content-Type: application/json)";
        }
        if (!body.path("messaging_product").asText("").equals("whatsapp")) {
            return "(#100) The parameter messaging_product is required.";
        }
        if (!body.path("to").asText("").matches("\\+?\\d{5,20}")) {
            return "(#100) Invalid parameter: to";
        }
        String type = body.path("type").asText("text");
        if (type.equals("image")) {
            String id = body.path("image").path("id").asText("");
            Medium medium = media.get(id);
            return medium == null || !medium.uploaded() ? "(#100) Invalid parameter: image['id'] is not an uploaded media id"
                    : IMAGE_TYPES.contains(medium.mimeType()) ? null : "(#131053) Media upload error: not an image";
        }
        if (type.equals("interactive")) {
            return validateInteractive(body.path("interactive"));
        }
        if (!type.equals("text")) {
            return "(#100) The fake knows text, image and interactive messages, not " + type;
        }
        String text = body.path("text").path("body").asText("");
        if (text.isEmpty()) {
            return "(#100) The parameter text['body'] is required.";
        }
        if (text.length() > MAX_TEXT) {
            return "(#100) Param text['body'] must be at most " + MAX_TEXT + " characters long.";
        }
        return null;
    }

    private static String error(String message, int code) {
        ObjectNode root = JSON.createObjectNode();
        root.putObject("error").put("message", message).put("type", code == 190 ? "OAuthException" : "GraphMethodException")
                .put("code", code).put("fbtrace_id", "FAKE");
        return root.toString();
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
