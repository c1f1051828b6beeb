package org.openpista.channel.slack.internal;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.audit.AuditConfig;
import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.MethodsConfig;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.SlackApiTextResponse;
import com.slack.api.methods.response.auth.AuthTestResponse;
import com.slack.api.methods.response.chat.ChatPostMessageResponse;
import com.slack.api.rate_limits.metrics.MetricsDatastore;
import com.slack.api.scim.SCIMConfig;
import com.slack.api.scim2.SCIM2Config;
import java.io.IOException;
import java.time.Duration;
import org.openpista.api.chat.Attachment;
import org.openpista.channel.support.Backoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Web API calls the channel makes, through the SDK's {@link MethodsClient} pointed at {@code
 * api_url}. Sending is retried a few times while Slack rate-limits ({@code Retry-After}), answers
 * 5xx or cannot be reached; an error Slack states ({@code ok: false}) is not, it would only repeat.
 * The SDK's own metrics and rate-limit queues stay off: the channel paces itself.
 */
final class SlackApi implements AutoCloseable {

    /** Who the bot token belongs to, from {@code auth.test}. */
    record Identity(String teamId, String team, String botUserId, String botName) {}

    private static final Logger LOG = LoggerFactory.getLogger(SlackApi.class);
    private static final int ATTEMPTS = 5;

    private final Slack slack;
    private final MethodsClient methods;
    private final Duration firstBackoff;

    /**
     * @param apiRoot the Web API root without a trailing slash, such as {@code https://slack.com/api}
     * @param botToken the bot token every call is made with
     * @param firstBackoff the first pause before a retry
     */
    SlackApi(String apiRoot, String botToken, Duration firstBackoff) {
        this.slack = Slack.getInstance(config(apiRoot));
        this.methods = slack.methods(botToken);
        this.firstBackoff = firstBackoff;
    }

    /** @return the SDK configuration for a Web API root */
    static SlackConfig config(String apiRoot) {
        SlackConfig config = new SlackConfig();
        config.setMethodsEndpointUrlPrefix(apiRoot + "/");
        config.setStatsEnabled(false);
        stopMetrics(config);
        // the SDK's default configurations (static, made when its classes load, never used here) start
        // their metrics threads too; this bundle's private copy of the SDK is the only user of them
        stopMetrics(SlackConfig.DEFAULT);
        stopMetrics(MethodsConfig.DEFAULT_SINGLETON.getMetricsDatastore(), AuditConfig.DEFAULT_SINGLETON.getMetricsDatastore(),
                SCIMConfig.DEFAULT_SINGLETON.getMetricsDatastore(), SCIM2Config.DEFAULT_SINGLETON.getMetricsDatastore());
        config.setHttpClientReadTimeoutMillis(30_000);
        config.setHttpClientWriteTimeoutMillis(30_000);
        return config;
    }

    /**
     * Every SDK configuration starts a thread per API family (methods, audit, SCIM, SCIM 2) that
     * wakes each second to update rate-limit metrics; {@code setStatsEnabled(false)} stops only three.
     */
    private static void stopMetrics(SlackConfig config) {
        stopMetrics(config.getMethodsConfig().getMetricsDatastore(), config.getAuditConfig().getMetricsDatastore(),
                config.getSCIMConfig().getMetricsDatastore(), config.getSCIM2Config().getMetricsDatastore());
    }

    private static void stopMetrics(MetricsDatastore... datastores) {
        for (MetricsDatastore datastore : datastores) {
            if (datastore.isStatsEnabled()) {
                datastore.setStatsEnabled(false); // shuts its executor down
            }
        }
    }

    /** @return the SDK instance, for the Socket Mode client */
    Slack slack() {
        return slack;
    }

    /**
     * Asks who the token belongs to (once: the caller retries).
     *
     * @throws SlackException when Slack refuses the token ({@link SlackException#refused()}) or cannot be asked
     */
    Identity authTest() throws SlackException {
        AuthTestResponse response;
        try {
            response = methods.authTest(request -> request);
        } catch (IOException e) {
            throw new SlackException("auth.test", "cannot reach Slack: " + describe(e), false);
        } catch (SlackApiException e) {
            throw new SlackException("auth.test", "HTTP " + e.getResponse().code(), false);
        }
        if (!response.isOk()) {
            throw new SlackException("auth.test", response.getError(), true);
        }
        return new Identity(response.getTeamId(), response.getTeam(), response.getUserId(), response.getUser());
    }

    /**
     * Posts a message.
     *
     * @param threadTs the thread to post in, or {@code null} for the channel itself
     * @param blocks Block Kit blocks as JSON, or {@code null}
     * @return the new message's ts
     */
    String post(String channel, String threadTs, String text, String blocks) throws SlackException, InterruptedException {
        ChatPostMessageResponse response = call("chat.postMessage", () -> methods.chatPostMessage(request -> request
                .channel(channel).threadTs(threadTs).text(text).blocksAsString(blocks).mrkdwn(true).unfurlLinks(false)));
        return response.getTs();
    }

    /** Replaces a message's text and blocks. */
    void update(String channel, String ts, String text, String blocks) throws SlackException, InterruptedException {
        call("chat.update", () -> methods.chatUpdate(request -> request.channel(channel).ts(ts).text(text)
                .blocksAsString(blocks)));
    }

    /** Shows a message to one user of a channel only. */
    void postEphemeral(String channel, String threadTs, String user, String text) throws SlackException, InterruptedException {
        call("chat.postEphemeral", () -> methods.chatPostEphemeral(request -> request.channel(channel).threadTs(threadTs)
                .user(user).text(text)));
    }

    /** Uploads a file into a thread (files.getUploadURLExternal, the upload, files.completeUploadExternal). */
    void upload(String channel, String threadTs, Attachment file) throws SlackException, InterruptedException {
        String name = file.name().isBlank() ? "image" + extension(file.mimeType()) : file.name();
        call("files.uploadV2", () -> methods.filesUploadV2(request -> request.channel(channel).threadTs(threadTs)
                .fileData(file.data()).filename(name).title(name)));
    }

    @Override
    public void close() {
        try {
            slack.close();
        } catch (Exception e) {
            LOG.debug("Closing the Slack client failed", e);
        }
    }

    /** A Web API call. */
    @FunctionalInterface
    private interface Call<T extends SlackApiTextResponse> {
        T run() throws IOException, SlackApiException;
    }

    private <T extends SlackApiTextResponse> T call(String method, Call<T> call) throws SlackException, InterruptedException {
        Backoff backoff = new Backoff(firstBackoff, Duration.ofSeconds(30));
        for (int attempt = 1;; attempt++) {
            String problem;
            long wait = backoff.nextMillis();
            try {
                T response = call.run();
                if (response.isOk()) {
                    return response;
                }
                if (!"ratelimited".equals(response.getError()) && !"internal_error".equals(response.getError())) {
                    throw new SlackException(method, response.getError(), true);
                }
                problem = response.getError();
            } catch (IOException e) {
                problem = "cannot reach Slack: " + describe(e);
            } catch (SlackApiException e) {
                int status = e.getResponse().code();
                if (status != 429 && status < 500) {
                    throw new SlackException(method, "HTTP " + status, true);
                }
                problem = "HTTP " + status;
                String retryAfter = e.getResponse().header("Retry-After");
                if (retryAfter != null && retryAfter.strip().matches("[0-9]{1,4}")) {
                    wait = Math.max(wait, Long.parseLong(retryAfter.strip()) * 1000);
                }
            } catch (RuntimeException e) {
                // the SDK wraps some failures (a file it cannot upload) in runtime exceptions
                throw new SlackException(method, describe(e), false);
            }
            if (attempt >= ATTEMPTS) {
                throw new SlackException(method, problem + " (after " + ATTEMPTS + " attempts)", false);
            }
            LOG.debug("Slack {} failed ({}); trying again in {} ms", method, problem, wait);
            Thread.sleep(wait);
        }
    }

    private static String extension(String mimeType) {
        return switch (mimeType) {
            case "image/png" -> ".png";
            case "image/jpeg" -> ".jpg";
            case "image/gif" -> ".gif";
            case "image/webp" -> ".webp";
            default -> ".bin";
        };
    }

    static String describe(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
