package org.openpista.onboard.internal;

import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.llm.ChatRequest;
import org.openpista.api.llm.ChatResponse;
import org.openpista.api.llm.LlmProvider;
import org.openpista.api.llm.ProviderException;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.util.tracker.ServiceTracker;

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

    /**
     * @return the provider of that name once its bundle has started it (its configuration was just
     *     applied, so its component may still be on the way)
     * @throws ProviderException when it does not come within the timeout
     */
    static LlmProvider await(BundleContext context, String name, Duration timeout) throws ProviderException {
        ServiceTracker<LlmProvider, LlmProvider> tracker;
        try {
            tracker = new ServiceTracker<>(context, FrameworkUtil.createFilter("(&(objectClass=" + LlmProvider.class.getName()
                    + ")(" + LlmProvider.NAME + "=" + name.replaceAll("[()*\\\\]", "") + "))"), null);
        } catch (InvalidSyntaxException e) {
            throw new ProviderException(ProviderException.Kind.NOT_CONFIGURED, "no provider can be called \"" + name + "\"");
        }
        tracker.open();
        try {
            LlmProvider provider = tracker.waitForService(timeout.toMillis());
            if (provider == null) {
                throw new ProviderException(ProviderException.Kind.NOT_CONFIGURED, "the provider \"" + name
                        + "\" did not start within " + timeout.toSeconds() + " s; see the log");
            }
            return provider;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException(ProviderException.Kind.NOT_CONFIGURED, "interrupted while waiting for " + name);
        } finally {
            tracker.close();
        }
    }
}
