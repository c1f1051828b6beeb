package org.openpista.channel.telegram.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.openpista.api.config.ConfigFileEditor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.meta.api.objects.Update;

/**
 * The webhook without the servlet around it: Telegram POSTs each update as JSON with the secret
 * given to {@code setWebhook} in {@value #SECRET_HEADER}. A request without exactly that secret
 * gets 401 and is not looked at. Otherwise the update goes through the same hand-over as a polled
 * one, one at a time in the order the requests arrive; the answer is 200 only once it was handed
 * over (or was already handled before: Telegram delivers again what it got no 2xx for), and 5xx
 * when it could not be, so that Telegram delivers it again.
 */
final class TelegramWebhook {

    /** The header carrying the secret. */
    static final String SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token";
    /** Where the web channel's HTTP server serves the webhook. */
    static final String PATH = "/webhooks/telegram";
    /** Larger bodies are refused: an update is a few kilobytes. */
    static final int MAX_BODY = 1 << 20;

    private static final Logger LOG = LoggerFactory.getLogger(TelegramWebhook.class);
    private static final long STOP_WAIT_SECONDS = 15;

    /** What to answer. */
    record Response(int status, String body) {}

    /**
     * Where updates go once the bot is connected.
     *
     * @param handler the same hand-over the poller uses
     * @param ledger the updates handed over through the webhook
     * @param offsets the polling position: updates below it were handed over while polling
     */
    record Receiver(Poller.Handler handler, WebhookLedger ledger, OffsetStore offsets) {}

    private final byte[] secretDigest;
    private final ObjectMapper json = new ObjectMapper();
    // one update at a time, in the order the requests arrive, as the poller hands them over
    private final ReentrantLock order = new ReentrantLock(true);
    private volatile Receiver receiver;

    /** Generates a webhook secret and saves it to config.toml; a failed save keeps it for this run only. */
    static String generateSecret(ConfigFileEditor configEditor) {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        String secret = HexFormat.of().formatHex(bytes);
        try {
            Path file = configEditor.setSecret("channels.telegram", "webhook_secret", secret);
            LOG.info("Generated a Telegram webhook secret and saved it to {} ([channels.telegram] webhook_secret)", file);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Generated a Telegram webhook secret but cannot save it to config.toml: {}; it is valid until "
                    + "openpista stops", e.getMessage());
        }
        return secret;
    }

    /** @param secret the {@code secret_token} given to Telegram; never empty */
    TelegramWebhook(String secret) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("a Telegram webhook needs a secret");
        }
        this.secretDigest = sha256(secret);
    }

    /** @return whether a request carries exactly the secret; compared in time independent of its content and length */
    boolean authorized(String presented) {
        return presented != null && MessageDigest.isEqual(sha256(presented), secretDigest);
    }

    /** Starts handing updates over. */
    void open(Receiver next) {
        receiver = next;
    }

    /** @return whether updates are handed over */
    boolean isOpen() {
        return receiver != null;
    }

    /** Stops handing updates over (they get 503 from now on) and waits a while for one being handed over. */
    void close() {
        receiver = null;
        try {
            if (order.tryLock(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
                order.unlock();
            } else {
                LOG.warn("A Telegram webhook update was still being handed over after {} s", STOP_WAIT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Handles one request.
     *
     * @param body the raw body, at most {@link #MAX_BODY} bytes
     * @param presentedSecret the value of {@value #SECRET_HEADER}, or {@code null}
     */
    Response deliver(byte[] body, String presentedSecret) {
        if (!authorized(presentedSecret)) {
            LOG.warn("Telegram webhook: refused a request with {} {}", presentedSecret == null ? "no" : "a wrong",
                    SECRET_HEADER);
            return new Response(401, "unauthorized");
        }
        if (body.length > MAX_BODY) {
            return new Response(413, "too large");
        }
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // telegrambots' types are read by Jackson, in its own bundle, through the context class loader
        thread.setContextClassLoader(TelegramWebhook.class.getClassLoader());
        try {
            Update update;
            try {
                update = json.readValue(body, Update.class);
            } catch (IOException e) {
                LOG.warn("Telegram webhook: a body that is no update ({})",
                        e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage());
                return new Response(400, "not an update");
            }
            if (update == null || update.getUpdateId() == null) {
                return new Response(400, "not an update");
            }
            return handOver(update);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private Response handOver(Update update) {
        long id = update.getUpdateId();
        try {
            order.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Response(503, "stopping");
        }
        try {
            Receiver current = receiver;
            if (current == null) {
                return new Response(503, "not ready");
            }
            if (id < current.offsets().next() || current.ledger().contains(id)) {
                LOG.debug("Telegram webhook: update {} delivered again; already handled", id);
                return new Response(200, "ok");
            }
            try {
                current.handler().handle(update);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Response(503, "stopping");
            } catch (RuntimeException e) {
                LOG.error("Telegram update {} could not be handed over; Telegram will deliver it again", id, e);
                return new Response(500, "not handled");
            }
            try {
                current.ledger().record(id);
            } catch (IOException e) {
                // handed over: answering 5xx would have it handled twice; only a restart could repeat it now
                LOG.error("Cannot record Telegram update {} as handled ({}); a restart may handle it again", id,
                        e.getMessage());
            }
            return new Response(200, "ok");
        } finally {
            order.unlock();
        }
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
