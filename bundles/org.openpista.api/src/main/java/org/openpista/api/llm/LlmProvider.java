package org.openpista.api.llm;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A language model reachable over one vendor's wire protocol.
 *
 * <p>Registered as a service with the property {@value #NAME} naming this configured instance (for
 * example {@code openai}, {@code anthropic}, {@code together}). Implementations sanitise tool names
 * for their wire format and map them back exactly, refusing two names that would collide; they
 * retry rate limits and server errors a bounded number of times and report everything else as a
 * {@link ProviderException} with a one-line message.
 */
@ConsumerType
public interface LlmProvider {

    /** Service property: the provider instance name that {@code [agent] provider} selects. */
    String NAME = "provider.name";

    /** @return the instance name, equal to the {@value #NAME} service property */
    String name();

    /** @return the model used when a request names none */
    String defaultModel();

    /**
     * Sends one request and waits for the complete answer.
     *
     * @param request the request
     * @param listener receives answer text as it streams in
     * @return the answer
     * @throws ProviderException when the request fails after any retries
     */
    ChatResponse chat(ChatRequest request, StreamListener listener) throws ProviderException;

    /**
     * Lists the models this provider offers.
     *
     * @return the models, the default one included
     * @throws ProviderException when the listing endpoint fails
     */
    default List<ModelInfo> listModels() throws ProviderException {
        return List.of(new ModelInfo(name(), defaultModel(), true));
    }
}
