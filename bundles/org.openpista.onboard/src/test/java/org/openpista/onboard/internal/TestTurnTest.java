package org.openpista.onboard.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.openpista.api.llm.ChatRequest;
import org.openpista.api.llm.ChatResponse;
import org.openpista.api.llm.LlmProvider;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.llm.StreamListener;

/** The timed test request. */
class TestTurnTest {

    final List<ChatRequest> sent = new ArrayList<>();
    final AtomicLong nanos = new AtomicLong();

    LlmProvider answering(String text, ProviderException failure) {
        return new LlmProvider() {
            @Override
            public String name() {
                return "fake";
            }

            @Override
            public String defaultModel() {
                return "fake-1";
            }

            @Override
            public ChatResponse chat(ChatRequest request, StreamListener listener) throws ProviderException {
                sent.add(request);
                nanos.addAndGet(1_234_000_000L);
                if (failure != null) {
                    throw failure;
                }
                return new ChatResponse(text, List.of(), null, "stop", "fake-1", null);
            }
        };
    }

    @Test
    void theAnswerComesWithTheTimeItTookAndTheChosenModelIsAsked() {
        TestTurn.Outcome outcome = TestTurn.run(answering("  OK\n\n ", null), "fake-2", nanos::get);

        assertThat(outcome).isEqualTo(new TestTurn.Outcome(true, "OK", 1234));
        assertThat(sent).singleElement().satisfies(request -> {
            assertThat(request.model()).isEqualTo("fake-2");
            assertThat(request.messages()).singleElement().satisfies(message -> assertThat(message.content()).isEqualTo(TestTurn.PROMPT));
        });
    }

    @Test
    void aFailureIsItsOneLineMessage() {
        TestTurn.Outcome outcome = TestTurn.run(answering("", new ProviderException(ProviderException.Kind.AUTHENTICATION,
                "401 Unauthorized: invalid key")), "fake-1", nanos::get);

        assertThat(outcome).isEqualTo(new TestTurn.Outcome(false, "401 Unauthorized: invalid key", 1234));
    }
}
