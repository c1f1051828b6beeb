package org.openpista.provider.anthropic.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.llm.ChatRequest;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.llm.ProviderException.Kind;
import org.openpista.api.llm.ToolSpec;
import org.openpista.provider.support.ToolNames;

/** Tool names, request mapping, settings and headers, without a server. */
class WireMappingTest {

    @Test
    void sanitisesToolNamesAndMapsThemBack() throws Exception {
        String longName = "x".repeat(70);
        ChatRequest request = new ChatRequest("", "", List.of(
                ChatMessage.user("hi"),
                ChatMessage.assistant("", List.of(new ToolCall("c1", "browser.open/tab", "{}")))),
                List.of(new ToolSpec("system.run", "", null), new ToolSpec("mcp:files", "", null),
                        new ToolSpec(longName, "", null), new ToolSpec("ok_name-1", "", null)), 0, null);

        ToolNames names = MessagesRequest.toolNames(request);

        assertThat(names.wire("system.run")).isEqualTo("system_run");
        assertThat(names.wire("mcp:files")).isEqualTo("mcp_files");
        assertThat(names.wire("browser.open/tab")).isEqualTo("browser_open_tab");
        assertThat(names.wire(longName)).hasSize(64);
        assertThat(names.wire("ok_name-1")).isEqualTo("ok_name-1");
        assertThat(names.original("system_run")).isEqualTo("system.run");
        assertThat(names.original("browser_open_tab")).isEqualTo("browser.open/tab");
        assertThat(names.original("x".repeat(64))).isEqualTo(longName);
        assertThat(names.original("not_offered")).isEqualTo("not_offered");
        assertThat(ToolNames.sanitise("")).isEqualTo("_");
    }

    @Test
    void refusesAToolOfferedNowThatCollidesWithOneCalledEarlier() {
        ChatRequest request = new ChatRequest("", "", List.of(
                ChatMessage.user("hi"),
                ChatMessage.assistant("", List.of(new ToolCall("c1", "fs.read", "{}")))),
                List.of(new ToolSpec("fs_read", "", null)), 0, null);

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> MessagesRequest.toolNames(request));

        assertThat(e.kind()).isEqualTo(Kind.BAD_REQUEST);
        assertThat(e.getMessage()).isEqualTo(
                "tools 'fs_read' and 'fs.read' would both be called 'fs_read' on the Anthropic wire; rename one of them");
    }

    @Test
    void refusesASchemaThatIsNotAJsonObject() {
        ChatRequest request = new ChatRequest("", "", List.of(ChatMessage.user("hi")),
                List.of(new ToolSpec("broken", "", "{\"type\": ")), 0, null);

        ProviderException e = catchThrowableOfType(ProviderException.class,
                () -> MessagesRequest.body(request, MessagesRequest.toolNames(request), "m", 10, false));

        assertThat(e.kind()).isEqualTo(Kind.BAD_REQUEST);
        assertThat(e.getMessage()).startsWith("tool 'broken' has a parameters schema that is not JSON");
    }

    @Test
    void refusesAConversationWithNothingToSend() {
        ChatRequest request = ChatRequest.of("", "system only", List.of(ChatMessage.system("more system"), ChatMessage.user(" ")));

        ProviderException e = catchThrowableOfType(ProviderException.class,
                () -> MessagesRequest.body(request, MessagesRequest.toolNames(request), "m", 10, false));

        assertThat(e.kind()).isEqualTo(Kind.BAD_REQUEST);
        assertThat(e.getMessage()).contains("nothing to send");
    }

    @Test
    void sendsBrokenEarlierArgumentsAsAnEmptyObjectAndCleansCallIds() throws Exception {
        ToolCall call = new ToolCall("call.1:x", "system.run", "not json");
        ChatRequest request = ChatRequest.of("", "", List.of(
                ChatMessage.user("hi"), ChatMessage.assistant("", List.of(call)), ChatMessage.toolResult(call, "", false)));

        JsonNode body = MessagesRequest.body(request, MessagesRequest.toolNames(request), "m", 10, true);

        JsonNode use = body.path("messages").get(1).path("content").get(0);
        assertThat(use.path("input").isObject()).isTrue();
        assertThat(use.path("input")).isEmpty();
        assertThat(use.path("id").asText()).isEqualTo("call_1_x");
        JsonNode result = body.path("messages").get(2).path("content").get(0);
        assertThat(result.path("tool_use_id").asText()).isEqualTo("call_1_x");
        assertThat(result.has("content")).isFalse();
        assertThat(body.path("stream").asBoolean()).isTrue();
        assertThat(body.has("tools")).isFalse();
    }

    @Test
    void fillsInDefaultsAndCleansTheBaseUrl() {
        Settings defaults = Settings.from(TestConfigs.config(Map.of()));
        assertThat(defaults.name()).isEqualTo("anthropic");
        assertThat(defaults.apiRoot()).hasToString("https://api.anthropic.com/v1");
        assertThat(defaults.endpoint("messages")).hasToString("https://api.anthropic.com/v1/messages");
        assertThat(defaults.host()).isEqualTo("api.anthropic.com");
        assertThat(defaults.model()).isEqualTo(Settings.DEFAULT_MODEL);
        assertThat(defaults.maxRetries()).isEqualTo(3);
        assertThat(defaults.timeout()).isEqualTo(Duration.ofSeconds(120));
        assertThat(defaults.stream()).isTrue();
        assertThat(defaults.maxTokens()).isEqualTo(8192);
        assertThat(defaults.credentials().isMissing()).isTrue();
        assertThat(defaults.problem()).isEmpty();

        Settings custom = Settings.from(TestConfigs.config(Map.of("provider_name", "claude", "preset", "claude",
                "base_url", " http://localhost:8080/proxy/v1// ", "_api_key", " k-123 ", "model", "claude-haiku-4-5-20251001",
                "max_retries", -1, "timeout_secs", 0, "max_tokens", -5)));
        assertThat(custom.name()).isEqualTo("claude");
        assertThat(custom.endpoint("messages")).hasToString("http://localhost:8080/proxy/v1/messages");
        assertThat(custom.host()).isEqualTo("localhost:8080");
        assertThat(custom.credentials().headers()).containsEntry("x-api-key", "k-123");
        assertThat(custom.maxRetries()).isZero();
        assertThat(custom.timeout()).isEqualTo(Duration.ofSeconds(120));
        assertThat(custom.maxTokens()).isEqualTo(8192);

        assertThat(Settings.from(TestConfigs.config(Map.of("base_url", "api.anthropic.com/v1"))).problem())
                .isEqualTo("base_url 'api.anthropic.com/v1' is not an http(s) URL such as https://api.anthropic.com/v1");
        assertThat(Settings.from(TestConfigs.config(Map.of("preset", "openai"))).problem())
                .contains("unknown preset 'openai'");
    }

    @Test
    void theComponentIsTheProviderNamedByItsProviderNameProperty() {
        AnthropicProviderComponent claude = new AnthropicProviderComponent(
                TestConfigs.config(Map.of("provider_name", "claude", "preset", "claude", "_api_key", "sk-ant-secret")));

        assertThat(claude.name()).isEqualTo("claude");
        assertThat(claude.defaultModel()).isEqualTo(Settings.DEFAULT_MODEL);
        assertThat(claude.toString()).contains("claude").doesNotContain("sk-ant-secret");
        assertThat(new AnthropicProviderComponent(TestConfigs.config(Map.of())).name()).isEqualTo("anthropic");
    }

    @Test
    void buildsAuthenticationHeadersInOnePlace() {
        assertThat(Credentials.apiKey("sk-ant-1").headers())
                .containsExactly(Map.entry("x-api-key", "sk-ant-1"), Map.entry("anthropic-version", "2023-06-01"));
        assertThat(Credentials.oauthToken("tok").headers()).containsExactly(
                Map.entry("authorization", "Bearer tok"),
                Map.entry("anthropic-beta", "oauth-2025-04-20"),
                Map.entry("anthropic-version", "2023-06-01"));
        assertThat(new Failures("api.anthropic.com", Credentials.apiKey("sk-ant-1")).http().clean("bad key sk-ant-1!"))
                .isEqualTo("bad key ***!");
        assertThat(Credentials.apiKey("sk-ant-1").toString()).doesNotContain("sk-ant-1");
    }

    @Test
    void keepsErrorMessagesOnOneBoundedLine() {
        Failures failures = new Failures("api.anthropic.com", Credentials.apiKey("sk-ant-secret"));

        ProviderException html = failures.status(502, "<html>\n<body>Bad gateway sk-ant-secret</body>\n</html>");
        assertThat(html.kind()).isEqualTo(Kind.SERVER);
        assertThat(html.getMessage()).isEqualTo("502 from api.anthropic.com: <html> <body>Bad gateway ***</body> </html>");

        ProviderException empty = failures.status(400, "");
        assertThat(empty.getMessage()).isEqualTo("400 from api.anthropic.com: no details");
        assertThat(failures.status(403, "{}").kind()).isEqualTo(Kind.AUTHENTICATION);
        assertThat(failures.status(413, "{}").kind()).isEqualTo(Kind.BAD_REQUEST);
        assertThat(failures.status(503, "x".repeat(1000)).getMessage()).hasSizeLessThan(400);
    }
}
