package org.openpista.onboard.internal;

import java.util.List;
import java.util.function.LongSupplier;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.llm.ChatRequest;
import org.openpista.api.llm.ChatResponse;
import org.openpista.api.llm.LlmProvider;
import org.openpista.api.llm.ProviderException;

/**
 * One small request to the chosen provider and model, timed: proof that the key, the endpoint and
 * the model work together before anything is saved.
 */
final class TestTurn {

    /** What the test request asks for. */
    static final String PROMPT = "This is a connection test. Reply with the single word OK.";

    /**
     * @param ok whether the provider answered
     * @param text the answer, or why it failed
     * @param millis how long it took
     */
    record Outcome(boolean ok, String text, long millis) {}

    private TestTurn() {}

    /**
     * @param clock nanoseconds, for the latency
     * @return the answer or the failure, with the time it took
     */
    static Outcome run(LlmProvider provider, String model, LongSupplier clock) {
        ChatRequest request = ChatRequest.of(model, "", List.of(ChatMessage.user(PROMPT)));
        long start = clock.getAsLong();
        try {
            ChatResponse answer = provider.chat(request, null);
            return new Outcome(true, answer.text().strip().replaceAll("\\s+", " "), (clock.getAsLong() - start) / 1_000_000);
        } catch (ProviderException e) {
            return new Outcome(false, e.getMessage(), (clock.getAsLong() - start) / 1_000_000);
        }
    }
}
