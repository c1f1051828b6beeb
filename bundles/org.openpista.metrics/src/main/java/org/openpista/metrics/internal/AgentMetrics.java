package org.openpista.metrics.internal;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.IntSupplier;
import org.openpista.api.llm.Usage;
import org.openpista.api.observe.ApprovalEvent;
import org.openpista.api.observe.LlmRequestEvent;
import org.openpista.api.observe.ToolCallEvent;
import org.openpista.api.observe.TurnEndEvent;
import org.openpista.api.observe.TurnInfo;
import org.openpista.api.observe.TurnObserver;

/**
 * The metrics of the agent, kept in a Prometheus registry of their own and fed by the core's turn
 * events. Labels are bounded: channels, outcomes, providers, models and tool names (each through a
 * {@link LabelGuard}), never session ids or text; a tool name the model made up is {@code unknown}.
 * An event costs a few counter and histogram updates (lock-free in the client), no allocation of
 * series after the first.
 */
final class AgentMetrics implements TurnObserver {

    private static final double[] TURN_BUCKETS = {0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600};
    private static final double[] REQUEST_BUCKETS = {0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120};
    private static final double[] TOOL_BUCKETS = {0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final LabelGuard channels = new LabelGuard(32);
    private final LabelGuard providers = new LabelGuard(32);
    private final LabelGuard models = new LabelGuard(64);
    private final LabelGuard tools = new LabelGuard(200);

    private final Counter turns;
    private final Histogram turnDuration;
    private final Counter llmRequests;
    private final Histogram llmDuration;
    private final Counter llmTokens;
    private final Counter toolCalls;
    private final Histogram toolDuration;
    private final Counter approvals;
    private final Counter channelMessages;

    /**
     * @param activeSessions how many sessions have a running or queued turn now
     * @param activePlugins how many bundles from the home's plugins folder are active now
     */
    AgentMetrics(IntSupplier activeSessions, IntSupplier activePlugins) {
        turns = Counter.builder().name("openpista_turns_total").help("Turns that ended, by channel and outcome")
                .labelNames("channel", "outcome").withoutExemplars().register(registry);
        turnDuration = Histogram.builder().name("openpista_turn_duration_seconds").help("How long turns took")
                .unit(io.prometheus.metrics.model.snapshots.Unit.SECONDS).labelNames("channel")
                .classicOnly().classicUpperBounds(TURN_BUCKETS).withoutExemplars().register(registry);
        llmRequests = Counter.builder().name("openpista_llm_requests_total")
                .help("Requests to models, by provider, model and outcome")
                .labelNames("provider", "model", "outcome").withoutExemplars().register(registry);
        llmDuration = Histogram.builder().name("openpista_llm_request_duration_seconds")
                .help("How long requests to models took").unit(io.prometheus.metrics.model.snapshots.Unit.SECONDS)
                .labelNames("provider", "model").classicOnly().classicUpperBounds(REQUEST_BUCKETS).withoutExemplars()
                .register(registry);
        llmTokens = Counter.builder().name("openpista_llm_tokens_total")
                .help("Tokens of model requests: input (cached included), output, cache_read, cache_write")
                .labelNames("provider", "model", "kind").withoutExemplars().register(registry);
        toolCalls = Counter.builder().name("openpista_tool_calls_total").help("Tool calls, by tool and outcome")
                .labelNames("tool", "outcome").withoutExemplars().register(registry);
        toolDuration = Histogram.builder().name("openpista_tool_duration_seconds")
                .help("How long tools ran (calls that ran)").unit(io.prometheus.metrics.model.snapshots.Unit.SECONDS)
                .labelNames("tool").classicOnly().classicUpperBounds(TOOL_BUCKETS).withoutExemplars()
                .register(registry);
        approvals = Counter.builder().name("openpista_approvals_total")
                .help("Decisions about tool calls, by decision").labelNames("decision").withoutExemplars()
                .register(registry);
        channelMessages = Counter.builder().name("openpista_channel_messages_total")
                .help("Messages answered by the agent (in) and replies sent (out), by channel")
                .labelNames("channel", "direction").withoutExemplars().register(registry);
        GaugeWithCallback.builder().name("openpista_sessions_active").help("Sessions with a running or queued turn")
                .callback(callback -> callback.call(activeSessions.getAsInt())).register(registry);
        GaugeWithCallback.builder().name("openpista_plugins_active")
                .help("Active bundles from the plugins folder of the openpista home")
                .callback(callback -> callback.call(activePlugins.getAsInt())).register(registry);
        JvmMetrics.builder().register(registry);
    }

    /** @return the registry to scrape */
    PrometheusRegistry registry() {
        return registry;
    }

    @Override
    public void turnStarted(TurnInfo turn) {
        channelMessages.labelValues(channels.value(turn.channel()), "in").inc();
    }

    @Override
    public void llmRequest(TurnInfo turn, LlmRequestEvent request) {
        String provider = providers.value(request.provider());
        String model = models.value(request.model());
        llmRequests.labelValues(provider, model, request.outcome().label()).inc();
        llmDuration.labelValues(provider, model).observe(seconds(request.durationNanos()));
        Usage usage = request.usage();
        add(provider, model, "input", usage.inputTokens());
        add(provider, model, "output", usage.outputTokens());
        add(provider, model, "cache_read", usage.cacheReadTokens());
        add(provider, model, "cache_write", usage.cacheWriteTokens());
    }

    private void add(String provider, String model, String kind, long tokens) {
        // every kind is written once, so a dashboard's rate() sees zero rather than no series
        llmTokens.labelValues(provider, model, kind).inc(tokens);
    }

    @Override
    public void toolCall(TurnInfo turn, ToolCallEvent call) {
        String tool = call.offered() ? tools.value(call.tool()) : "unknown";
        toolCalls.labelValues(tool, call.outcome().label()).inc();
        if (call.result() != null) {
            toolDuration.labelValues(tool).observe(seconds(call.durationNanos()));
        }
    }

    @Override
    public void approval(ApprovalEvent approval) {
        approvals.labelValues(approval.decision().label()).inc();
    }

    @Override
    public void turnEnded(TurnInfo turn, TurnEndEvent end) {
        String channel = channels.value(turn.channel());
        turns.labelValues(channel, end.outcome().label()).inc();
        turnDuration.labelValues(channel).observe(seconds(end.durationNanos()));
        channelMessages.labelValues(channel, "out").inc();
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
