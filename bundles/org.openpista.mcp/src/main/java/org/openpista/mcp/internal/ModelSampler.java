package org.openpista.mcp.internal;

import java.util.Collection;
import java.util.List;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.llm.ChatRequest;
import org.openpista.api.llm.ChatResponse;
import org.openpista.api.llm.LlmProvider;
import org.openpista.api.model.ModelChoice;
import org.openpista.api.model.ModelSelector;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * Sampling with the model openpista uses now (the {@link ModelSelector}'s choice), looked up for
 * each request so that no provider is held or activated before a server is allowed to sample.
 */
final class ModelSampler implements OwnerQuestionsBridge.Sampler {

    private final BundleContext context;

    ModelSampler(BundleContext context) {
        this.context = context;
    }

    @Override
    public String complete(String systemPrompt, List<ChatMessage> messages, int maxTokens) throws Exception {
        ModelChoice choice = null;
        ServiceReference<ModelSelector> selector = context.getServiceReference(ModelSelector.class);
        if (selector != null) {
            ModelSelector service = context.getService(selector);
            try {
                choice = service == null ? null : service.current();
            } finally {
                context.ungetService(selector);
            }
        }
        ServiceReference<LlmProvider> reference = provider(choice == null ? null : choice.provider());
        if (reference == null) {
            throw new IllegalStateException("no model provider is available");
        }
        LlmProvider provider = context.getService(reference);
        try {
            String model = choice == null || choice.model().isBlank() ? provider.defaultModel() : choice.model();
            ChatResponse response = provider.chat(ChatRequest.of(model, systemPrompt == null ? "" : systemPrompt, messages),
                    delta -> { });
            return response.text();
        } finally {
            context.ungetService(reference);
        }
    }

    private ServiceReference<LlmProvider> provider(String name) throws InvalidSyntaxException {
        String filter = name == null ? null : "(" + LlmProvider.NAME + "=" + name + ")";
        Collection<ServiceReference<LlmProvider>> references = context.getServiceReferences(LlmProvider.class, filter);
        return references.stream().sorted().reduce((first, second) -> second).orElse(null);
    }
}
