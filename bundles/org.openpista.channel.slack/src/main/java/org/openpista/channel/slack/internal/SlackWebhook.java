package org.openpista.channel.slack.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Events API and interactivity endpoint without the servlet around it. Slack signs every request:
 * {@code X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:<timestamp>:<body>" with the signing
 * secret>} and {@code X-Slack-Request-Timestamp}. A request whose signature does not match (compared
 * in constant time) or whose timestamp is more than {@link #REPLAY_WINDOW} away gets 401 and is not
 * looked at further. {@code url_verification} is answered with its challenge; an {@code
 * event_callback} goes through the same hand-over as Socket Mode, and the answer is 200 only once it
 * was handed over (or was handled before), 5xx otherwise, so that Slack delivers it again; a form with
 * a {@code payload} is a button press.
 */
final class SlackWebhook {

    /** Where the web channel's HTTP server serves the endpoint (Events API and interactivity request URL). */
    static final String PATH = "/webhooks/slack";
    /** Larger bodies are refused: an event is a few kilobytes. */
    static final int MAX_BODY = 1 << 20;
    /** How far a request's timestamp may be from now. */
    static final Duration REPLAY_WINDOW = Duration.ofMinutes(5);

    private static final Logger LOG = LoggerFactory.getLogger(SlackWebhook.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long STOP_WAIT_SECONDS = 15;

    /** What to answer. */
    record Response(int status, String contentType, String body) {
        static Response text(int status, String body) {
            return new Response(status, "text/plain;charset=utf-8", body);
        }
    }

    private final byte[] secret;
    private final Clock clock;
    private final ReentrantLock order = new ReentrantLock(true);
    private volatile SlackEvents receiver;

    /** @param signingSecret the app's signing secret; never empty */
    SlackWebhook(String signingSecret, Clock clock) {
        if (signingSecret == null || signingSecret.isEmpty()) {
            throw new IllegalArgumentException("the Events API needs the signing secret");
        }
        this.secret = signingSecret.getBytes(StandardCharsets.UTF_8);
        this.clock = clock;
    }

    /** Starts handing events over. */
    void open(SlackEvents events) {
        receiver = events;
    }

    /** Stops handing events over (503 from now on) and waits a while for one being handed over. */
    void close() {
        receiver = null;
        try {
            if (order.tryLock(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
                order.unlock();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * @return whether the request is signed with the secret within the replay window
     */
    boolean authentic(String timestamp, String signature, byte[] body) {
        if (timestamp == null || signature == null || !timestamp.matches("[0-9]{1,12}")) {
            return false;
        }
        long age = Math.abs(clock.instant().getEpochSecond() - Long.parseLong(timestamp));
        if (age > REPLAY_WINDOW.toSeconds()) {
            return false;
        }
        byte[] expected;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update(("v0:" + timestamp + ":").getBytes(StandardCharsets.UTF_8));
            expected = ("v0=" + HexFormat.of().formatHex(mac.doFinal(body))).getBytes(StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
        // MessageDigest.isEqual takes time independent of where the first difference is
        return MessageDigest.isEqual(expected, signature.strip().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Handles one request.
     *
     * @param body the raw body, at most {@link #MAX_BODY} bytes
     */
    Response deliver(String contentType, byte[] body, String timestamp, String signature) {
        if (!authentic(timestamp, signature, body)) {
            LOG.warn("Slack endpoint: refused a request with {} signature", signature == null ? "no" : "a wrong or stale");
            return Response.text(401, "unauthorized");
        }
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        JsonNode payload;
        try {
            if (type.startsWith("application/x-www-form-urlencoded")) {
                payload = JSON.readTree(formValue(new String(body, StandardCharsets.UTF_8), "payload"));
                return handOver(payload, true);
            }
            payload = JSON.readTree(body);
        } catch (IOException | IllegalArgumentException e) {
            return Response.text(400, "not a Slack request");
        }
        if (payload == null || !payload.isObject()) {
            return Response.text(400, "not a Slack request");
        }
        return switch (payload.path("type").asText("")) {
            case "url_verification" -> new Response(200, "application/json",
                    JSON.createObjectNode().put("challenge", payload.path("challenge").asText("")).toString());
            case "event_callback" -> handOver(payload, false);
            default -> Response.text(200, "");
        };
    }

    private Response handOver(JsonNode payload, boolean interaction) {
        if (payload == null || !payload.isObject()) {
            return Response.text(400, "not a Slack request");
        }
        try {
            order.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Response.text(503, "stopping");
        }
        try {
            SlackEvents current = receiver;
            if (current == null) {
                return Response.text(503, "not ready");
            }
            if (interaction) {
                current.onInteraction(payload);
            } else {
                current.onEvent(payload);
            }
            return Response.text(200, "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Response.text(503, "stopping");
        } catch (RuntimeException e) {
            LOG.error("Slack event {} could not be handed over; Slack will deliver it again",
                    payload.path("event_id").asText("(a button press)"), e);
            return Response.text(500, "not handled");
        } finally {
            order.unlock();
        }
    }

    private static String formValue(String form, String name) {
        for (String pair : form.split("&")) {
            int equals = pair.indexOf('=');
            if (equals > 0 && URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8).equals(name)) {
                return URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            }
        }
        throw new IllegalArgumentException("no " + name);
    }
}
