package org.openpista.channel.whatsapp.internal;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.openpista.api.channel.AgentGateway;
import org.openpista.api.channel.ChannelAdapter;

/** WhatsApp through the official Cloud API (a business account): webhook in, Graph API out, media both ways. */
final class CloudChannel implements ChannelAdapter, AutoCloseable {

    private final WhatsAppSettings settings;
    private final GraphApiClient graph;
    private final Conversations conversations;
    private final CloudWebhook webhook;
    /** Fetches media of webhook deliveries, a few at a time. */
    private final ExecutorService fetcher;
    private volatile String serving = "";

    CloudChannel(AgentGateway gateway, WhatsAppSettings settings) {
        this.settings = settings;
        this.graph = new GraphApiClient(settings.apiUrl(), settings.phoneNumberId(), settings.accessToken());
        this.conversations = new Conversations(gateway, settings.allowed(), graph);
        ThreadPoolExecutor pool = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(100), runnable -> {
            Thread thread = new Thread(runnable, "openpista-whatsapp-media");
            thread.setDaemon(true);
            return thread;
        });
        // no thread until the first medium, none left once idle
        pool.allowCoreThreadTimeOut(true);
        this.fetcher = pool;
        this.webhook = new CloudWebhook(settings, conversations, graph, fetcher);
    }

    @Override
    public void close() {
        conversations.approvals().cancelAll();
        fetcher.shutdownNow();
    }

    CloudWebhook webhook() {
        return webhook;
    }

    /** Notes whether the webhook could be registered with an HTTP server; shown by {@link #status()}. */
    void serving(String problem) {
        this.serving = problem;
    }

    @Override
    public String id() {
        return Conversations.CHANNEL;
    }

    @Override
    public String status() {
        List<String> missing = settings.cloudProblems();
        if (!missing.isEmpty()) {
            return "not configured: set " + String.join(", ", missing) + " in [channels.whatsapp]";
        }
        if (!serving.isEmpty()) {
            return "failed: " + serving;
        }
        return "cloud API, number id " + settings.phoneNumberId() + ", webhook " + WhatsAppSettings.WEBHOOK_PATH
                + (settings.allowed().isEmpty() ? " (allowed_numbers is empty: nobody gets answers)" : "");
    }

    @Override
    public void deliver(String target, String text) throws Exception {
        if (!settings.cloudProblems().isEmpty()) {
            throw new IllegalStateException("WhatsApp " + status());
        }
        if (Allowlist.digits(target).isEmpty()) {
            throw new IllegalArgumentException("\"" + target + "\" is not a phone number");
        }
        try {
            conversations.sendAll(target, text).toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IOException(Conversations.message(e.getCause()), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("the Graph API did not answer within 60 s");
        }
    }
}
