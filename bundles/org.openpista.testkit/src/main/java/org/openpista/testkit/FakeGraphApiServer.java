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
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A fake of the WhatsApp Cloud API's Graph endpoint for sending messages, on 127.0.0.1: {@code POST
 * /v21.0/{phone_number_id}/messages} with {@code Authorization: Bearer <access token>} and the
 * real JSON body ({@code messaging_product: "whatsapp"}, {@code to}, {@code type: "text"}, {@code
 * text.body}). It answers like the Graph API: {@code {"messaging_product":"whatsapp","contacts":[…],
 * "messages":[{"id":"wamid.…"}]}}, or an error object with the Graph API's codes (190 for a bad
 * token, 100 for an invalid parameter, 131030 for a recipient not on the allowed list).
 *
 * <p>It also builds what WhatsApp sends to a webhook, so tests can play WhatsApp's side: {@link
 * #textDelivery} makes the JSON of an incoming text message and {@link #signature} the {@code
 * X-Hub-Signature-256} header for it.
 */
public final class FakeGraphApiServer implements AutoCloseable {

    /** The Graph API version in the fake's paths. */
    public static final String VERSION = "v21.0";
    /** The longest text body the Cloud API accepts. */
    public static final int MAX_TEXT = 4096;

    private static final ObjectMapper JSON = new ObjectMapper();

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
    }

    private final LoopbackHttpServer server;
    private final String phoneNumberId;
    private final String accessToken;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Deque<int[]> failures = new ConcurrentLinkedDeque<>();
    private final AtomicLong ids = new AtomicLong();

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
            // "", "v21.0", "{phone_number_id}", "messages"
            if (path.length != 4 || !path[1].matches("v\\d+\\.\\d+") || !path[3].equals("messages")) {
                respond(exchange, 404, error("Unknown path components: " + exchange.getRequestURI().getPath(), 2500));
                return;
            }
            if (!exchange.getRequestMethod().equals("POST")) {
                respond(exchange, 400, error("Unsupported " + exchange.getRequestMethod() + " request.", 100));
                return;
            }
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
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
            if (!("Bearer " + accessToken).equals(authorization)) {
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

    private static String validate(JsonNode body, String contentType) {
        if (contentType == null || !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            return "(#100) The request body must be JSON (Content-Type: application/json)";
        }
        if (!body.path("messaging_product").asText("").equals("whatsapp")) {
            return "(#100) The parameter messaging_product is required.";
        }
        if (!body.path("to").asText("").matches("\\+?\\d{5,20}")) {
            return "(#100) Invalid parameter: to";
        }
        if (!body.path("type").asText("text").equals("text")) {
            return "(#100) The fake only knows text messages";
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
