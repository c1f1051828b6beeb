package org.openpista.provider.openai.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.llm.ChatRequest;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.llm.ToolSpec;
import org.openpista.provider.support.ToolNames;

/** The request body, and its tools array kept between requests. */
class RequestBodyTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<ToolSpec> tools = List.of(new ToolSpec("system.run", "Runs a command",
            "{\"type\": \"object\", \"properties\": {\"command\": {\"type\": \"string\"}}}"));

    @Test
    void writesTheToolsOnceForTheSameTools() throws Exception {
        ToolNames names = RequestBody.toolNames(tools, "OpenAI");
        RequestBody.Tools first = RequestBody.tools(tools, names, RequestBody.Tools.NONE);
        List<ToolSpec> same = List.of(new ToolSpec("system.run", "Runs a command", tools.get(0).parametersSchema()));
        List<ToolSpec> changed = List.of(new ToolSpec("system.run", "Runs a shell command", tools.get(0).parametersSchema()));

        assertThat(RequestBody.tools(same, names, first)).isSameAs(first);
        assertThat(RequestBody.tools(changed, names, first).json()).contains("Runs a shell command");

        JsonNode body = JSON.readTree(RequestBody.of(new ChatRequest("m", "Be brief", List.of(ChatMessage.user("hi \u00e9\u2603")), tools,
                100, null), "m", names, first, true, false, "OpenAI").toString());
        assertThat(body.path("messages").get(1).path("content").asText()).isEqualTo("hi \u00e9\u2603");
        assertThat(body.path("max_tokens").asInt()).isEqualTo(100);
        assertThat(body.path("tools").get(0).path("function").path("name").asText()).isEqualTo("system_run");
        assertThat(body.path("tools").get(0).path("function").path("parameters"))
                .isEqualTo(JSON.readTree(tools.get(0).parametersSchema()));
        assertThat(body.path("stream_options").path("include_usage").asBoolean()).isTrue();
    }

    @Test
    void refusesABrokenSchema() throws Exception {
        List<ToolSpec> broken = List.of(new ToolSpec("broken", "", "{\"type\":"));
        ToolNames names = RequestBody.toolNames(broken, "OpenAI");

        assertThatThrownBy(() -> RequestBody.tools(broken, names, RequestBody.Tools.NONE))
                .isInstanceOf(ProviderException.class)
                .hasMessageStartingWith("The parameters schema of tool 'broken' is not valid JSON");
    }

    @Test
    void refusesARequestWithNothingToSay() throws Exception {
        ChatRequest empty = new ChatRequest("m", " ", List.of(ChatMessage.system("")), List.of(), 0, null);

        assertThatThrownBy(() -> RequestBody.of(empty, "m", RequestBody.toolNames(List.of(), "OpenAI"), RequestBody.Tools.NONE, false,
                true, "OpenAI")).isInstanceOf(ProviderException.class).hasMessageContaining("neither a system prompt nor messages");
    }
}
