package org.openpista.provider.openai.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.llm.ProviderException.Kind;

/** What the streaming parser takes from a {@code chat.completion.chunk}, and what it refuses. */
class ChunkTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Failures failures = new Failures(new Settings("t", "openai", "", "sk-key", "", 3, null, true));

    @Test
    void takesTheFirstChoicesDeltaTheModelAndTheUsage() throws Exception {
        Chunk chunk = Chunk.parse("{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-x\",\"choices\":["
                + "{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hel\",\"extra\":{\"a\":[1,2]}},\"finish_reason\":null},"
                + "{\"index\":1,\"delta\":{\"content\":\"other\"},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":2}}", JSON, failures);

        assertThat(chunk.model()).isEqualTo("gpt-x");
        assertThat(chunk.content()).isEqualTo("Hel");
        assertThat(chunk.finishReason()).isNull();
        assertThat(chunk.usage().path("prompt_tokens").asInt()).isEqualTo(7);
        assertThat(chunk.error()).isNull();
        assertThat(chunk.toolCalls()).isNull();
    }

    @Test
    void takesToolCallsRefusalsAndTheFinishReason() throws Exception {
        Chunk calls = Chunk.parse("{\"choices\":[{\"delta\":{\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":\"call_1\","
                + "\"function\":{\"name\":\"system_run\",\"arguments\":\"{\\\"a\\\"\"}}]},\"finish_reason\":\"tool_calls\"}],"
                + "\"usage\":null}", JSON, failures);
        Chunk refusal = Chunk.parse("{\"choices\":[{\"delta\":{\"refusal\":\"No.\"},\"finish_reason\":\"\"}]}", JSON, failures);

        assertThat(calls.content()).isEmpty();
        assertThat(calls.toolCalls().get(0).path("function").path("arguments").asText()).isEqualTo("{\"a\"");
        assertThat(calls.finishReason()).isEqualTo("tool_calls");
        assertThat(calls.usage()).isNull();
        assertThat(refusal.refusal()).isEqualTo("No.");
        assertThat(refusal.finishReason()).isNull();
    }

    @Test
    void takesAnErrorObject() throws Exception {
        Chunk chunk = Chunk.parse("{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}", JSON, failures);

        assertThat(chunk.error().path("message").asText()).isEqualTo("overloaded");
    }

    @Test
    void refusesWhatIsNoJsonObject() {
        for (String data : new String[] {"[1,2]", "\"text\"", "{\"choices\":[{\"delta\":{\"content\":\"cut", "{\"model\":}"}) {
            assertThatThrownBy(() -> Chunk.parse(data, JSON, failures))
                    .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(Kind.MALFORMED_RESPONSE));
        }
    }
}
