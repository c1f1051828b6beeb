package org.openpista.provider.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.llm.ChatRequest;
import org.openpista.api.llm.ChatResponse;
import org.openpista.api.llm.LlmProvider;
import org.openpista.api.llm.ModelInfo;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.llm.ProviderException.Kind;
import org.openpista.api.llm.StreamListener;

class ForwardingProviderTest {

    /** A provider that answers with what it was asked, and refuses a request for the model "refused". */
    static final class Answering implements LlmProvider {
        final List<ChatRequest> requests = new ArrayList<>();

        @Override
        public String name() {
            return "answering";
        }

        @Override
        public String defaultModel() {
            return "model-1";
        }

        @Override
        public ChatResponse chat(ChatRequest request, StreamListener listener) throws ProviderException {
            requests.add(request);
            if (request.model().equals("refused")) {
                throw new ProviderException(Kind.AUTHENTICATION, 401, "no key", null);
            }
            return new ChatResponse("answer to " + request.model(), null, null, "stop", request.model(), null);
        }

        @Override
        public List<ModelInfo> listModels() {
            return List.of(new ModelInfo("answering", "model-1", true), new ModelInfo("answering", "model-2", false));
        }

        @Override
        public String toString() {
            return "Answering[model-1]";
        }
    }

    static final class Component extends ForwardingProvider {
        final Answering provider = new Answering();

        @Override
        protected LlmProvider delegate() {
            return provider;
        }
    }

    @Test
    void everyCallGoesToTheDelegate() throws ProviderException {
        Component component = new Component();
        ChatRequest request = ChatRequest.of("model-2", "", List.of(ChatMessage.user("hello")));

        assertThat(component.name()).isEqualTo("answering");
        assertThat(component.defaultModel()).isEqualTo("model-1");
        assertThat(component.chat(request, null).text()).isEqualTo("answer to model-2");
        assertThat(component.provider.requests).containsExactly(request);
        assertThat(component.listModels()).extracting(ModelInfo::id).containsExactly("model-1", "model-2");
        assertThat(component).hasToString("Answering[model-1]");
    }

    @Test
    void theDelegatesFailureReachesTheCaller() {
        Component component = new Component();

        ProviderException refused = catchThrowableOfType(ProviderException.class,
                () -> component.chat(ChatRequest.of("refused", "", List.of(ChatMessage.user("hello"))), null));

        assertThat(refused.kind()).isEqualTo(Kind.AUTHENTICATION);
        assertThat(refused).hasMessageContaining("no key");
    }
}
