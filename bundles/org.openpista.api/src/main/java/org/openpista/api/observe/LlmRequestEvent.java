package org.openpista.api.observe;

import java.time.Instant;
import java.util.Objects;
import org.openpista.api.llm.ChatRequest;
import org.openpista.api.llm.ChatResponse;
import org.openpista.api.llm.Usage;

/**
 * One request to a model, after it ended.
 *
 * @param provider the provider instance ({@code provider.name})
 * @param model the model asked for (the provider's default model when the request named none)
 * @param startedAt when the request was sent
 * @param durationNanos how long it took, in nanoseconds
 * @param outcome {@link Outcome#OK}, {@link Outcome#ERROR} or {@link Outcome#CANCELLED}
 * @param error the provider's one-line failure; empty when it answered
 * @param request the request (holds the prompt: content, not for export unless asked for)
 * @param response the answer, or {@code null} when the request failed
 */
public record LlmRequestEvent(
        String provider,
        String model,
        Instant startedAt,
        long durationNanos,
        Outcome outcome,
        String error,
        ChatRequest request,
        ChatResponse response) {

    public LlmRequestEvent {
        provider = provider == null ? "" : provider;
        model = model == null ? "" : model;
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(outcome, "outcome");
        error = error == null ? "" : error;
        Objects.requireNonNull(request, "request");
    }

    /** @return the token counts of the answer, {@link Usage#NONE} for a failed request */
    public Usage usage() {
        return response == null ? Usage.NONE : response.usage();
    }
}
