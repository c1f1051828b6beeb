package org.openpista.provider.support;

import java.util.List;
import org.openpista.api.llm.ChatRequest;
import org.openpista.api.llm.ChatResponse;
import org.openpista.api.llm.LlmProvider;
import org.openpista.api.llm.ModelInfo;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.llm.StreamListener;

/**
 * A provider bundle's Declarative Services component, which hands every call of {@link LlmProvider}
 * (and {@link #toString()}) to the provider it built from its configuration. What the components
 * share is this forwarding; each keeps its own configuration, references and presets.
 *
 * <p>The provider comes from {@link #delegate()} rather than from a constructor argument because a
 * component's provider reads the component's dynamic references (the stored logins), which a
 * constructor cannot capture before calling this one.
 */
public abstract class ForwardingProvider implements LlmProvider {

    /** For subclasses. */
    protected ForwardingProvider() {}

    /** @return the provider every call goes to, the same one on every call */
    protected abstract LlmProvider delegate();

    @Override
    public final String name() {
        return delegate().name();
    }

    @Override
    public final String defaultModel() {
        return delegate().defaultModel();
    }

    @Override
    public final ChatResponse chat(ChatRequest request, StreamListener listener) throws ProviderException {
        return delegate().chat(request, listener);
    }

    @Override
    public final List<ModelInfo> listModels() throws ProviderException {
        return delegate().listModels();
    }

    @Override
    public final String toString() {
        return delegate().toString();
    }
}
