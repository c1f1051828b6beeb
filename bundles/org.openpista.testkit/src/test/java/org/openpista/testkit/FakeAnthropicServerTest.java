package org.openpista.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FakeAnthropicServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final FakeAnthropicServer server = new FakeAnthropicServer();
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void answersTextAsAMessage() throws Exception {
        server.enqueue(FakeReply.text("Hello there"));

        HttpResponse<String> response = post(request(userText("hi")));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode message = JSON.readTree(response.body());
        assertThat(message.path("id").asText()).startsWith("msg_");
        assertThat(message.path("type").asText()).isEqualTo("message");
        assertThat(message.path("role").asText()).isEqualTo("assistant");
        assertThat(message.path("model").asText()).isEqualTo("claude-test");
        assertThat(message.path("content")).hasSize(1);
        assertThat(message.path("content").get(0).path("type").asText()).isEqualTo("text");
        assertThat(message.path("content").get(0).path("text").asText()).isEqualTo("Hello there");
        assertThat(message.path("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(message.path("usage").path("input_tokens").asInt()).isPositive();
        assertThat(message.path("usage").path("output_tokens").asInt()).isPositive();
        assertThat(server.lastRequest().header("x-api-key")).isEqualTo("sk-ant-test");
    }

    @Test
    void answersToolCallsWithTheWireNameTheRequestOffered() throws Exception {
        server.enqueue(FakeReply.toolCalls("Let me look.", List.of(new FakeReply.Call("system.run", "{\"command\":\"ls -la\"}"))));
        ObjectNode body = request(userText("list files"));
        addTool(body, "system_run");

        JsonNode message = JSON.readTree(post(body).body());

        assertThat(message.path("stop_reason").asText()).isEqualTo("tool_use");
        JsonNode content = message.path("content");
        assertThat(content).hasSize(2);
        assertThat(content.get(0).path("text").asText()).isEqualTo("Let me look.");
        JsonNode use = content.get(1);
        assertThat(use.path("type").asText()).isEqualTo("tool_use");
        assertThat(use.path("id").asText()).startsWith("toolu_");
        assertThat(use.path("name").asText()).isEqualTo("system_run");
        assertThat(use.path("input")).isEqualTo(JSON.readTree("{\"command\":\"ls -la\"}"));
    }

    @Test
    void streamsTextInSeveralDeltasBetweenTheRealEvents() throws Exception {
        server.enqueue(FakeReply.text("The quick brown fox jumps over the lazy dog"));
        ObjectNode body = request(userText("hi"));
        body.put("stream", true);

        HttpResponse<String> response = post(body);

        assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
        List<Event> events = parseSse(response.body());
        assertThat(events.stream().map(Event::name).distinct().toList())
                .containsExactly("message_start", "ping", "content_block_start", "content_block_delta",
                        "content_block_stop", "message_delta", "message_stop");
        StringBuilder text = new StringBuilder();
        int deltas = 0;
        for (Event event : events) {
            assertThat(event.data().path("type").asText()).isEqualTo(event.name());
            if (event.name().equals("content_block_delta")) {
                assertThat(event.data().path("delta").path("type").asText()).isEqualTo("text_delta");
                text.append(event.data().path("delta").path("text").asText());
                deltas++;
            }
        }
        assertThat(deltas).isGreaterThan(2);
        assertThat(text).hasToString("The quick brown fox jumps over the lazy dog");
        Event start = events.get(0);
        assertThat(start.data().path("message").path("role").asText()).isEqualTo("assistant");
        assertThat(start.data().path("message").path("usage").path("input_tokens").asInt()).isPositive();
        Event messageDelta = events.get(events.size() - 2);
        assertThat(messageDelta.data().path("delta").path("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(messageDelta.data().path("usage").path("output_tokens").asInt()).isPositive();
    }

    @Test
    void streamsToolInputAsPartialJson() throws Exception {
        server.enqueue(FakeReply.toolCall("system.run", "{\"command\":\"echo a long enough command\",\"timeout\":5}"));
        ObjectNode body = request(userText("run it"));
        body.put("stream", true);
        addTool(body, "system_run");

        List<Event> events = parseSse(post(body).body());

        Event blockStart = events.stream().filter(e -> e.name().equals("content_block_start")).findFirst().orElseThrow();
        JsonNode use = blockStart.data().path("content_block");
        assertThat(use.path("type").asText()).isEqualTo("tool_use");
        assertThat(use.path("name").asText()).isEqualTo("system_run");
        assertThat(use.path("id").asText()).startsWith("toolu_");
        StringBuilder partial = new StringBuilder();
        int pieces = 0;
        for (Event event : events) {
            if (event.name().equals("content_block_delta")) {
                assertThat(event.data().path("delta").path("type").asText()).isEqualTo("input_json_delta");
                partial.append(event.data().path("delta").path("partial_json").asText());
                pieces++;
            }
        }
        assertThat(pieces).isGreaterThan(2);
        assertThat(JSON.readTree(partial.toString()))
                .isEqualTo(JSON.readTree("{\"command\":\"echo a long enough command\",\"timeout\":5}"));
        Event messageDelta = events.stream().filter(e -> e.name().equals("message_delta")).findFirst().orElseThrow();
        assertThat(messageDelta.data().path("delta").path("stop_reason").asText()).isEqualTo("tool_use");
    }

    @Test
    void rendersErrorsInTheVendorFormat() throws Exception {
        server.enqueue(
                FakeReply.error(429, "slow down").withHeader("retry-after", "7"),
                FakeReply.error(529, "Overloaded"),
                FakeReply.error(401, "invalid x-api-key"),
                FakeReply.error(500, "boom"));

        HttpResponse<String> limited = post(request(userText("hi")));
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("retry-after")).hasValue("7");
        assertError(limited, "rate_limit_error", "slow down");
        assertError(post(request(userText("hi"))), "overloaded_error", "Overloaded");
        assertError(post(request(userText("hi"))), "authentication_error", "invalid x-api-key");
        assertError(post(request(userText("hi"))), "api_error", "boom");
    }

    @Test
    void refusesRolesThatDoNotAlternate() throws Exception {
        server.enqueue(FakeReply.text("never sent"));
        ObjectNode body = request(userText("one"));
        ((ArrayNode) body.get("messages")).add(userText("two"));

        HttpResponse<String> response = post(body);

        assertThat(response.statusCode()).isEqualTo(400);
        assertError(response, "invalid_request_error", "roles must alternate");
        assertThat(server.lastRequest().json().path("messages")).hasSize(2);
    }

    @Test
    void refusesAToolResultThatAnswersNoToolUse() throws Exception {
        ObjectNode body = request(userText("run"));
        ArrayNode messages = (ArrayNode) body.get("messages");
        messages.add(assistantToolUse("toolu_1", "system_run"));
        messages.add(toolResults("toolu_2"));

        HttpResponse<String> response = post(body);

        assertThat(response.statusCode()).isEqualTo(400);
        assertError(response, "invalid_request_error", "unexpected `tool_use_id` found in `tool_result` blocks: toolu_2");
    }

    @Test
    void refusesAToolUseLeftWithoutResult() throws Exception {
        ObjectNode body = request(userText("run"));
        ArrayNode messages = (ArrayNode) body.get("messages");
        messages.add(assistantToolUse("toolu_1", "system_run"));
        messages.add(userText("never mind"));

        HttpResponse<String> response = post(body);

        assertThat(response.statusCode()).isEqualTo(400);
        assertError(response, "invalid_request_error", "without `tool_result` blocks immediately after: toolu_1");
    }

    @Test
    void acceptsSeveralToolResultsInOneUserMessage() throws Exception {
        server.enqueue(FakeReply.text("both done"));
        ObjectNode body = request(userText("run"));
        ArrayNode messages = (ArrayNode) body.get("messages");
        ObjectNode assistant = assistantToolUse("toolu_1", "system_run");
        ((ArrayNode) assistant.get("content")).addObject()
                .put("type", "tool_use").put("id", "toolu_2").put("name", "system_run").putObject("input");
        messages.add(assistant);
        messages.add(toolResults("toolu_1", "toolu_2"));
        addTool(body, "system_run");

        HttpResponse<String> response = post(body);

        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void refusesToolNamesOutsideThePattern() throws Exception {
        ObjectNode body = request(userText("hi"));
        addTool(body, "system.run");

        HttpResponse<String> response = post(body);

        assertThat(response.statusCode()).isEqualTo(400);
        assertError(response, "invalid_request_error", "^[a-zA-Z0-9_-]{1,64}$");
    }

    @Test
    void refusesEmptyTextBlocks() throws Exception {
        ObjectNode body = request(userText("hi"));
        ObjectNode empty = JSON.createObjectNode().put("role", "assistant");
        empty.putArray("content").addObject().put("type", "text").put("text", "");
        ((ArrayNode) body.get("messages")).add(empty);
        ((ArrayNode) body.get("messages")).add(userText("again"));

        HttpResponse<String> response = post(body);

        assertThat(response.statusCode()).isEqualTo(400);
        assertError(response, "invalid_request_error", "text content blocks must be non-empty");
    }

    @Test
    void refusesWhitespaceOnlyText() throws Exception {
        HttpResponse<String> response = post(request(userText(" \n ")));

        assertThat(response.statusCode()).isEqualTo(400);
        assertError(response, "invalid_request_error", "non-whitespace text");
    }

    @Test
    void refusesRequestsWithoutKeyOrVersion() throws Exception {
        HttpResponse<String> noKey = send(HttpRequest.newBuilder(server.baseUrl().resolve("/v1/messages"))
                .header("anthropic-version", "2023-06-01")
                .POST(HttpRequest.BodyPublishers.ofString(request(userText("hi")).toString()))
                .build());
        assertThat(noKey.statusCode()).isEqualTo(401);
        assertError(noKey, "authentication_error", "x-api-key");

        HttpResponse<String> noVersion = send(HttpRequest.newBuilder(server.baseUrl().resolve("/v1/messages"))
                .header("x-api-key", "k")
                .POST(HttpRequest.BodyPublishers.ofString(request(userText("hi")).toString()))
                .build());
        assertThat(noVersion.statusCode()).isEqualTo(400);
        assertError(noVersion, "invalid_request_error", "anthropic-version");

        server.enqueue(FakeReply.text("bearer works"));
        HttpResponse<String> bearer = send(HttpRequest.newBuilder(server.baseUrl().resolve("/v1/messages"))
                .header("authorization", "Bearer oauth-token")
                .header("anthropic-version", "2023-06-01")
                .POST(HttpRequest.BodyPublishers.ofString(request(userText("hi")).toString()))
                .build());
        assertThat(bearer.statusCode()).isEqualTo(200);
    }

    @Test
    void listsModels() throws Exception {
        server.models("claude-a", "claude-b");

        HttpResponse<String> response = send(withHeaders(HttpRequest.newBuilder(server.baseUrl().resolve("/v1/models")))
                .GET()
                .build());

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode list = JSON.readTree(response.body());
        assertThat(list.path("data")).hasSize(2);
        assertThat(list.path("data").get(0).path("id").asText()).isEqualTo("claude-a");
        assertThat(list.path("data").get(0).path("type").asText()).isEqualTo("model");
        assertThat(list.path("has_more").asBoolean(true)).isFalse();
        assertThat(server.requests()).isEmpty();
        assertThat(server.allRequests()).hasSize(1);
    }

    @Test
    void readsTurnsAndOfferedToolsFromTheWireFormat() throws Exception {
        ObjectNode body = request(userText("run"));
        body.put("system", "be brief");
        ArrayNode messages = (ArrayNode) body.get("messages");
        messages.add(assistantToolUse("toolu_1", "system_run"));
        ObjectNode results = toolResults("toolu_1");
        ((ArrayNode) results.get("content")).addObject().put("type", "text").put("text", "and then?");
        messages.add(results);
        addTool(body, "system_run");
        addTool(body, "screen_capture");

        assertThat(server.turns(body)).containsExactly(
                new WireTurn("system", "be brief", 0),
                new WireTurn("user", "run", 0),
                new WireTurn("assistant", "", 1),
                new WireTurn("tool", "result of toolu_1", 0),
                new WireTurn("user", "and then?", 0));
        assertThat(server.offeredToolNames(body)).containsExactly("system_run", "screen_capture");
    }

    @Test
    void echoFallbackCallsToolsByTheirWireName() throws Exception {
        server.echoFallback();
        ObjectNode body = request(userText("run: uname -a"));
        addTool(body, "system_run");

        JsonNode message = JSON.readTree(post(body).body());

        JsonNode use = message.path("content").get(0);
        assertThat(use.path("name").asText()).isEqualTo("system_run");
        assertThat(use.path("input").path("command").asText()).isEqualTo("uname -a");
    }

    @Test
    void passesMalformedBodiesThrough() throws Exception {
        server.enqueue(FakeReply.malformed("{\"type\":\"message\",\"content\":"));

        HttpResponse<String> response = post(request(userText("hi")));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"type\":\"message\",\"content\":");
    }

    private record Event(String name, JsonNode data) {}

    private static List<Event> parseSse(String body) throws IOException {
        List<Event> events = new ArrayList<>();
        for (String frame : body.split("\n\n")) {
            String name = null;
            String data = null;
            for (String line : frame.split("\n")) {
                if (line.startsWith("event: ")) {
                    name = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data = line.substring(6);
                }
            }
            if (data != null) {
                events.add(new Event(name, JSON.readTree(data)));
            }
        }
        return events;
    }

    private static void assertError(HttpResponse<String> response, String type, String messagePart) throws IOException {
        JsonNode error = JSON.readTree(response.body());
        assertThat(error.path("type").asText()).isEqualTo("error");
        assertThat(error.path("error").path("type").asText()).isEqualTo(type);
        assertThat(error.path("error").path("message").asText()).contains(messagePart);
    }

    private static ObjectNode request(ObjectNode firstMessage) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", "claude-test");
        body.put("max_tokens", 1024);
        body.putArray("messages").add(firstMessage);
        return body;
    }

    private static ObjectNode userText(String text) {
        ObjectNode message = JSON.createObjectNode().put("role", "user");
        message.putArray("content").addObject().put("type", "text").put("text", text);
        return message;
    }

    private static ObjectNode assistantToolUse(String id, String name) {
        ObjectNode message = JSON.createObjectNode().put("role", "assistant");
        ObjectNode use = message.putArray("content").addObject();
        use.put("type", "tool_use").put("id", id).put("name", name).putObject("input").put("command", "ls");
        return message;
    }

    private static ObjectNode toolResults(String... ids) {
        ObjectNode message = JSON.createObjectNode().put("role", "user");
        ArrayNode content = message.putArray("content");
        for (String id : ids) {
            content.addObject().put("type", "tool_result").put("tool_use_id", id).put("content", "result of " + id);
        }
        return message;
    }

    private static void addTool(ObjectNode body, String name) {
        ArrayNode tools = body.has("tools") ? (ArrayNode) body.get("tools") : body.putArray("tools");
        ObjectNode tool = tools.addObject().put("name", name).put("description", "a tool");
        tool.putObject("input_schema").put("type", "object").putObject("properties");
    }

    private HttpResponse<String> post(ObjectNode body) throws IOException, InterruptedException {
        return send(withHeaders(HttpRequest.newBuilder(server.baseUrl().resolve("/v1/messages")))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build());
    }

    private static HttpRequest.Builder withHeaders(HttpRequest.Builder builder) {
        for (Map.Entry<String, String> header : Map.of("x-api-key", "sk-ant-test", "anthropic-version", "2023-06-01").entrySet()) {
            builder.header(header.getKey(), header.getValue());
        }
        return builder.timeout(Duration.ofSeconds(10));
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
