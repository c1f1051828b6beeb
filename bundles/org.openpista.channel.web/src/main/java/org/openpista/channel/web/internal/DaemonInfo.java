package org.openpista.channel.web.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.openpista.api.admin.DaemonControl;
import org.openpista.api.llm.Usage;
import org.openpista.api.memory.StoreException;
import org.openpista.api.model.ModelChoice;
import org.openpista.api.pairing.ConnectionStatus;
import org.openpista.api.pairing.ConnectionStatusProvider;
import org.openpista.api.usage.UsageSummaries;
import org.openpista.api.usage.UsageSummary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the UI shows about the daemon beyond the chat: the other bundles' connections (MCP
 * servers…) for the Connections dialog ({@code connections_request}), the token usage for {@code
 * /usage} ({@code usage_request}) and the bundles with their versions and states for the status
 * panel ({@code status_request}). Sockets are authenticated before any frame is read, so only the
 * owner's browsers see any of it.
 */
final class DaemonInfo {

    private static final Logger LOG = LoggerFactory.getLogger(DaemonInfo.class);

    /** The period of the usage summed up besides the session's own, as {@code openpista usage} does by default. */
    static final Duration RECENT = Duration.ofDays(7);
    /** Lines of a connection's error output sent at most. */
    static final int MAX_LOG_LINES = 20;

    /** One bundle of the framework as the status panel lists it. */
    record BundleRow(long id, String name, String version, String state) {}

    private final OptionalServices services;
    private final Clock clock;

    DaemonInfo(OptionalServices services, Clock clock) {
        this.services = services;
        this.clock = clock;
    }

    /** Answers {@code connections_request}: every connection the running providers report. */
    void connections(Connection connection) {
        connection.send(connectionsFrame(services.connectionProviders()));
    }

    static ObjectNode connectionsFrame(List<ConnectionStatusProvider> providers) {
        ObjectNode frame = Frames.frame("connections_status");
        ArrayNode list = frame.putArray("connections");
        for (ConnectionStatusProvider provider : providers) {
            List<ConnectionStatus> connections;
            try {
                connections = provider.connections();
            } catch (RuntimeException e) {
                // the provider is going away or broken: the others are still worth showing
                LOG.debug("A connection status provider failed", e);
                continue;
            }
            for (ConnectionStatus status : connections) {
                ObjectNode item = list.addObject()
                        .put("group", status.group())
                        .put("name", status.name())
                        .put("state", status.state().name().toLowerCase(Locale.ROOT))
                        .put("detail", status.detail());
                if (status.since() != null) {
                    item.put("since", Frames.time(status.since()));
                }
                status.offers().forEach(item.putArray("offers")::add);
                List<String> log = status.logTail();
                log.subList(Math.max(0, log.size() - MAX_LOG_LINES), log.size()).forEach(item.putArray("log_tail")::add);
            }
        }
        return frame;
    }

    /**
     * Answers {@code usage_request}: the usage of the connection's session and of the last days.
     *
     * @throws FrameFields.Unavailable when no usage service runs (the observability feature is not installed)
     */
    void usage(Connection connection) {
        UsageSummaries summaries = services.usage();
        if (summaries == null) {
            throw new FrameFields.Unavailable("usage is not available: the observability feature (openpista usage) "
                    + "is not installed or not running");
        }
        UsageSummary session;
        UsageSummary recent;
        try {
            session = summaries.summary(Instant.EPOCH, connection.sessionId());
            recent = summaries.summary(clock.instant().minus(RECENT), null);
        } catch (StoreException e) {
            throw new FrameFields.Unavailable("usage is not available: " + FrameFields.describe(e));
        }
        connection.send(Frames.frame("usage").put("session_id", connection.sessionId())
                .<ObjectNode>set("session", summary(session)).set("recent", summary(recent)));
    }

    static ObjectNode summary(UsageSummary summary) {
        Usage usage = summary.usage();
        ObjectNode node = Frames.JSON.createObjectNode()
                .put("since", Frames.time(summary.since()))
                .put("requests", summary.requests())
                .put("turns", summary.turns())
                .put("input_tokens", usage.inputTokens())
                .put("output_tokens", usage.outputTokens())
                .put("cache_read_tokens", usage.cacheReadTokens())
                .put("cache_write_tokens", usage.cacheWriteTokens())
                .put("cache_hit_rate", summary.cacheHitRate())
                .put("cost_usd", summary.costUsd());
        summary.unpricedModels().forEach(node.putArray("unpriced_models")::add);
        return node;
    }

    /** Answers {@code status_request}: the daemon, the model in use and every bundle with its version and state. */
    void status(Connection connection, ModelChoice model) {
        connection.send(statusFrame(services.daemon(), model, services.bundles(), clock.instant()));
    }

    static ObjectNode statusFrame(DaemonControl daemon, ModelChoice model, List<BundleRow> bundles, Instant now) {
        ObjectNode frame = Frames.frame("status");
        if (daemon != null) {
            frame.put("started_at", Frames.time(daemon.startedAt()))
                    .put("uptime_secs", Math.max(0, Duration.between(daemon.startedAt(), now).toSeconds()));
            daemon.features().forEach(frame.putArray("features")::add);
        }
        if (model != null) {
            frame.put("provider", model.provider()).put("model", model.model());
        }
        ArrayNode list = frame.putArray("bundles");
        for (BundleRow bundle : bundles) {
            list.addObject().put("id", bundle.id()).put("name", bundle.name()).put("version", bundle.version())
                    .put("state", bundle.state());
        }
        return frame;
    }
}
