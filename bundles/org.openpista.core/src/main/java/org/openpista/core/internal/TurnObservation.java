package org.openpista.core.internal;

import java.time.Instant;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.openpista.api.channel.AgentReply;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.llm.ChatRequest;
import org.openpista.api.llm.ChatResponse;
import org.openpista.api.llm.ToolSpec;
import org.openpista.api.llm.Usage;
import org.openpista.api.observe.LlmRequestEvent;
import org.openpista.api.observe.Outcome;
import org.openpista.api.observe.ToolCallEvent;
import org.openpista.api.observe.TurnEndEvent;
import org.openpista.api.observe.TurnInfo;
import org.openpista.api.observe.TurnObserver;
import org.openpista.api.tool.ToolResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the {@link TurnObserver}s about one turn. With no observer registered when the turn starts
 * the turn gets {@link #NONE}, whose methods do nothing: no clock is read, no event is built, so an
 * unobserved turn costs one list check. The observers are those registered when the turn started;
 * one that fails is logged and the others still hear of the event.
 */
class TurnObservation {

    private static final Logger LOG = LoggerFactory.getLogger(TurnObservation.class);
    private static final HexFormat HEX = HexFormat.of();

    /** The observation of a turn nobody observes. */
    static final TurnObservation NONE = new TurnObservation();

    private final List<TurnObserver> observers;
    private final TurnInfo info;
    private final Set<String> offered = new HashSet<>();
    private Usage usage = Usage.NONE;
    private int requests;
    private int toolCalls;
    private boolean limitReached;

    private TurnObservation() {
        this.observers = List.of();
        this.info = null;
    }

    private TurnObservation(List<TurnObserver> observers, TurnInfo info) {
        this.observers = observers;
        this.info = info;
    }

    /** @return the observation of a turn starting now, {@link #NONE} when no observer is registered */
    static TurnObservation start(List<TurnObserver> observers, Turn turn, String provider) {
        if (observers.isEmpty()) {
            return NONE;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String id = HEX.toHexDigits(random.nextLong()) + HEX.toHexDigits(random.nextLong());
        TurnObservation observation = new TurnObservation(List.copyOf(observers),
                new TurnInfo(id, turn.sessionId(), turn.message().channel(), provider, Instant.now(), System.nanoTime()));
        observation.each(observer -> observer.turnStarted(observation.info));
        return observation;
    }

    /** @return {@link System#nanoTime()}, or 0 when nobody observes */
    long clock() {
        return this == NONE ? 0 : System.nanoTime();
    }

    /** The tools offered to the model with a request: calls of other names are made up. */
    void offered(List<ToolSpec> tools) {
        if (this == NONE) {
            return;
        }
        for (ToolSpec tool : tools) {
            offered.add(tool.name());
        }
    }

    void llmRequest(String provider, String model, long startNanos, ChatRequest request, ChatResponse response,
            Outcome outcome, String error) {
        if (this == NONE) {
            return;
        }
        long duration = System.nanoTime() - startNanos;
        requests++;
        if (response != null) {
            usage = usage.plus(response.usage());
        }
        LlmRequestEvent event = new LlmRequestEvent(provider, model, startedAt(startNanos), duration, outcome, error,
                request, response);
        each(observer -> observer.llmRequest(info, event));
    }

    void toolCall(ToolCall call, long startNanos, Outcome outcome, ToolResult result) {
        if (this == NONE) {
            return;
        }
        toolCalls++;
        long duration = result == null ? 0 : System.nanoTime() - startNanos;
        ToolCallEvent event = new ToolCallEvent(call, offered.contains(call.name()), startedAt(startNanos), duration,
                outcome, result);
        each(observer -> observer.toolCall(info, event));
    }

    /** The turn stops at the round limit: its error reply is that, not a failure. */
    void limitReached() {
        limitReached = true;
    }

    /**
     * @param reply the turn's reply, {@code null} when it ended with an exception
     * @param cancelled whether the turn was cancelled
     */
    void ended(AgentReply reply, boolean cancelled) {
        if (this == NONE) {
            return;
        }
        Outcome outcome;
        if (cancelled) {
            outcome = Outcome.CANCELLED;
        } else if (reply == null) {
            outcome = Outcome.ERROR;
        } else if (limitReached) {
            outcome = Outcome.LIMIT;
        } else {
            outcome = reply.error() ? Outcome.ERROR : Outcome.OK;
        }
        TurnEndEvent event = new TurnEndEvent(System.nanoTime() - info.startNanos(), outcome, requests, toolCalls, usage);
        each(observer -> observer.turnEnded(info, event));
    }

    private Instant startedAt(long startNanos) {
        return info.startedAt().plusNanos(startNanos - info.startNanos());
    }

    private void each(Consumer<TurnObserver> call) {
        for (TurnObserver observer : observers) {
            try {
                call.accept(observer);
            } catch (RuntimeException | LinkageError e) {
                LOG.warn("A turn observer ({}) failed; the turn goes on", observer.getClass().getName(), e);
            }
        }
    }
}
