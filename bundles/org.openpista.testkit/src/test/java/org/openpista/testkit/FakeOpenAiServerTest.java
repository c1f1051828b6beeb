package org.openpista.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FakeOpenAiServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final FakeOpenAiServer server = new FakeOpenAiServer();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void answersTextAsChatCompletion() throws Exception {
        server.enqueue(FakeReply.text("Hello there"));

        HttpResponse<String> response = post(request("hi"));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("object").asText()).isEqualTo("chat.completion");
        assertThat(body.path("id").asText()).startsWith("chatcmpl-");
        assertThat(body.path("model").asText()).isEqualTo("gpt-4o");
        JsonNode choice = body.path("choices").get(0);
        assertThat(choice.path("message").path("role").asText()).isEqualTo("assistant");
        assertThat(choice.path("message").path("content").asText()).isEqualTo("Hello there");
        assertThat(choice.path("message").has("tool_calls")).isFalse();
        assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
        assertThat(body.path("usage").path("prompt_tokens").asInt()).isPositive();
        assertThat(body.path("usage").path("total_tokens").asInt())
                .isEqualTo(body.path("usage").path("prompt_tokens").asInt()
                        + body.path("usage").path("completion_tokens").asInt());
        assertThat(server.lastRequest().json().path("messages").get(0).path("content").asText()).isEqualTo("hi");
    }

    @Test
    void answersToolCallsWithTheWireNameTheRequestOffered() throws Exception {
        server.enqueue(FakeReply.toolCall("system.run", "{\"command\":\"ls -la\"}").andToolCall("fs.read", "{}"));
        ObjectNode request = request("list files");
        addTool(request, "system_run");
        addTool(request, "fs_read");

        JsonNode body = JSON.readTree(post(request).body());

        JsonNode choice = body.path("choices").get(0);
        assertThat(choice.path("finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(choice.path("message").path("content").isNull()).isTrue();
        JsonNode calls = choice.path("message").path("tool_calls");
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).path("id").asText()).startsWith("call_");
        assertThat(calls.get(0).path("type").asText()).isEqualTo("function");
        assertThat(calls.get(0).path("function").path("name").asText()).isEqualTo("system_run");
        assertThat(calls.get(0).path("function").path("arguments").asText()).isEqualTo("{\"command\":\"ls -la\"}");
        assertThat(calls.get(1).path("function").path("name").asText()).isEqualTo("fs_read");
        assertThat(calls.get(1).path("id").asText()).isNotEqualTo(calls.get(0).path("id").asText());
    }

    @Test
    void refusesToolNamesOutsideThePattern() throws Exception {
        server.enqueue(FakeReply.text("never sent"));
        ObjectNode request = request("hi");
        addTool(request, "system.run");

        HttpResponse<String> response = post(request);

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(response.body()).path("error");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("message").asText()).contains("tools[0].function.name").contains("does not match pattern");
        // a refused request leaves the script alone for the next, correct one
        assertThat(server.remaining()).isEqualTo(1);
    }

    @Test
    void streamsTextInSeveralChunksThenFinishReasonUsageAndDone() throws Exception {
        server.enqueue(FakeReply.text("Streaming works fine"));
        ObjectNode request = request("hi").put("stream", true);
        request.putObject("stream_options").put("include_usage", true);

        HttpResponse<String> response = post(request);

        assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
        List<String> events = events(response.body());
        assertThat(events.get(events.size() - 1)).isEqualTo("[DONE]");
        List<JsonNode> chunks = new ArrayList<>();
        for (String event : events.subList(0, events.size() - 1)) {
            chunks.add(JSON.readTree(event));
        }
        assertThat(chunks).allSatisfy(chunk -> assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk"));
        assertThat(chunks).extracting(chunk -> chunk.path("id").asText()).containsOnly(chunks.get(0).path("id").asText());
        assertThat(chunks.get(0).path("choices").get(0).path("delta").path("role").asText()).isEqualTo("assistant");
        StringBuilder text = new StringBuilder();
        int textChunks = 0;
        for (JsonNode chunk : chunks) {
            JsonNode content = chunk.path("choices").path(0).path("delta").path("content");
            if (content.isTextual() && !content.asText().isEmpty()) {
                text.append(content.asText());
                textChunks++;
            }
        }
        assertThat(text.toString()).isEqualTo("Streaming works fine");
        assertThat(textChunks).isGreaterThan(2);
        JsonNode finish = chunks.get(chunks.size() - 2);
        assertThat(finish.path("choices").get(0).path("finish_reason").asText()).isEqualTo("stop");
        assertThat(finish.path("usage").isNull()).isTrue();
        JsonNode usage = chunks.get(chunks.size() - 1);
        assertThat(usage.path("choices")).isEmpty();
        assertThat(usage.path("usage").path("completion_tokens").asInt()).isPositive();
    }

    @Test
    void streamsToolCallsWithIdAndNameFirstAndArgumentsInPieces() throws Exception {
        String arguments = "{\"command\":\"echo hello world\"}";
        server.enqueue(FakeReply.toolCall("system.run", arguments));
        ObjectNode request = request("run it").put("stream", true);
        addTool(request, "system_run");

        List<String> events = events(post(request).body());

        List<JsonNode> toolDeltas = new ArrayList<>();
        String finishReason = null;
        for (String event : events) {
            if (event.equals("[DONE]")) {
                continue;
            }
            JsonNode chunk = JSON.readTree(event);
            assertThat(chunk.has("usage")).as("usage only when asked for").isFalse();
            JsonNode choice = chunk.path("choices").get(0);
            for (JsonNode delta : choice.path("delta").path("tool_calls")) {
                toolDeltas.add(delta);
            }
            if (!choice.path("finish_reason").isNull()) {
                finishReason = choice.path("finish_reason").asText();
            }
        }
        assertThat(finishReason).isEqualTo("tool_calls");
        assertThat(toolDeltas.size()).isGreaterThan(2);
        JsonNode opening = toolDeltas.get(0);
        assertThat(opening.path("index").asInt()).isZero();
        assertThat(opening.path("id").asText()).startsWith("call_");
        assertThat(opening.path("function").path("name").asText()).isEqualTo("system_run");
        StringBuilder joined = new StringBuilder();
        for (JsonNode delta : toolDeltas) {
            assertThat(delta.path("index").asInt()).isZero();
            joined.append(delta.path("function").path("arguments").asText());
        }
        assertThat(toolDeltas.subList(1, toolDeltas.size())).allSatisfy(delta -> assertThat(delta.has("id")).isFalse());
        assertThat(joined.toString()).isEqualTo(arguments);
    }

    @Test
    void rendersErrorsInOpenAiFormatWithHeaders() throws Exception {
        server.enqueue(FakeReply.error(429, "Rate limit reached for gpt-4o").withHeader("retry-after", "7"));

        HttpResponse<String> response = post(request("hi"));

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("retry-after")).hasValue("7");
        JsonNode error = JSON.readTree(response.body()).path("error");
        assertThat(error.path("message").asText()).isEqualTo("Rate limit reached for gpt-4o");
        assertThat(error.path("type").asText()).isEqualTo("requests");
        assertThat(error.path("code").asText()).isEqualTo("rate_limit_exceeded");
    }

    @Test
    void acceptsAToolResultAnsweringTheAssistantsCallAndRefusesAnOrphan() throws Exception {
        server.enqueue(FakeReply.text("done"), FakeReply.text("never sent"), FakeReply.text("never sent either"));
        ObjectNode valid = request("run ls");
        ArrayNode messages = (ArrayNode) valid.path("messages");
        ObjectNode assistant = messages.addObject().put("role", "assistant");
        assistant.putNull("content");
        ObjectNode call = assistant.putArray("tool_calls").addObject().put("id", "call_1").put("type", "function");
        call.putObject("function").put("name", "system_run").put("arguments", "{}");
        messages.addObject().put("role", "tool").put("tool_call_id", "call_1").put("content", "file.txt");

        assertThat(post(valid).statusCode()).isEqualTo(200);
        assertThat(server.turns(server.lastRequest().json()))
                .containsExactly(new WireTurn("user", "run ls", 0), new WireTurn("assistant", "", 1),
                        new WireTurn("tool", "file.txt", 0));

        ObjectNode orphan = request("hi");
        ((ArrayNode) orphan.path("messages")).addObject().put("role", "tool").put("tool_call_id", "call_9").put("content", "x");
        HttpResponse<String> refused = post(orphan);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("must be a response to a preceeding message with 'tool_calls'");

        ObjectNode unanswered = request("hi");
        ObjectNode lonely = ((ArrayNode) unanswered.path("messages")).addObject().put("role", "assistant");
        lonely.putArray("tool_calls").addObject().put("id", "call_2").put("type", "function")
                .putObject("function").put("name", "x").put("arguments", "{}");
        ((ArrayNode) unanswered.path("messages")).addObject().put("role", "user").put("content", "and?");
        HttpResponse<String> missing = post(unanswered);
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(missing.body()).contains("did not have response messages: call_2");
    }

    @Test
    void refusesStreamOptionsWithoutStreamAndMissingModel() throws Exception {
        server.enqueue(FakeReply.text("a"), FakeReply.text("b"));
        ObjectNode options = request("hi");
        options.putObject("stream_options").put("include_usage", true);
        assertThat(post(options).statusCode()).isEqualTo(400);

        ObjectNode noModel = request("hi");
        noModel.remove("model");
        HttpResponse<String> response = post(noModel);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("you must provide a model parameter");
    }

    @Test
    void listsModels() throws Exception {
        server.models("m-1", "m-2");

        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(server.baseUrl() + "/models")).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("object").asText()).isEqualTo("list");
        assertThat(body.path("data")).extracting(model -> model.path("id").asText()).containsExactly("m-1", "m-2");
        assertThat(body.path("data").get(0).path("object").asText()).isEqualTo("model");
        assertThat(server.requests()).isEmpty();
        assertThat(server.allRequests()).hasSize(1);
    }

    @Test
    void requiresTheConfiguredKeyWithoutRepeatingIt() throws Exception {
        server.requireApiKey("sk-right-key-123456").enqueue(FakeReply.text("a"), FakeReply.text("b"));

        HttpResponse<String> wrong = http.send(
                HttpRequest.newBuilder(URI.create(server.baseUrl() + "/chat/completions"))
                        .header("Authorization", "Bearer sk-wrong-key-987654")
                        .POST(HttpRequest.BodyPublishers.ofString(request("hi").toString()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> right = http.send(
                HttpRequest.newBuilder(URI.create(server.baseUrl() + "/chat/completions"))
                        .header("Authorization", "Bearer sk-right-key-123456")
                        .POST(HttpRequest.BodyPublishers.ofString(request("hi").toString()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(wrong.body()).path("error").path("code").asText()).isEqualTo("invalid_api_key");
        assertThat(wrong.body()).doesNotContain("sk-wrong-key-987654");
        assertThat(right.statusCode()).isEqualTo(200);
    }

    @Test
    void echoFallbackCallsSystemRunAndReadsTheToolResult() throws Exception {
        server.echoFallback();
        ObjectNode request = request("run: uname -a");
        addTool(request, "system_run");

        JsonNode call = JSON.readTree(post(request).body()).path("choices").get(0).path("message").path("tool_calls").get(0);

        assertThat(call.path("function").path("name").asText()).isEqualTo("system_run");
        assertThat(JSON.readTree(call.path("function").path("arguments").asText()).path("command").asText())
                .isEqualTo("uname -a");
    }

    @Test
    void echoFallbackCallsTheToolNamedAfterToolColon() throws Exception {
        server.echoFallback();
        ObjectNode request = request("tool:hello.greet {\"name\":\"Ada\"}");
        addTool(request, "hello_greet");

        JsonNode call = JSON.readTree(post(request).body()).path("choices").get(0).path("message").path("tool_calls").get(0);

        assertThat(call.path("function").path("name").asText()).isEqualTo("hello_greet");
        assertThat(JSON.readTree(call.path("function").path("arguments").asText()).path("name").asText()).isEqualTo("Ada");
    }

    @Test
    void cutsPiecesWithoutSplittingSurrogatePairs() {
        assertThat(OpenAiWire.pieces("ab\uD83D\uDE00cd", 3)).containsExactly("ab\uD83D\uDE00", "cd");
        assertThat(OpenAiWire.pieces("", 3)).isEmpty();
    }

    private HttpResponse<String> post(ObjectNode body) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create(server.baseUrl() + "/chat/completions"))
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static ObjectNode request(String userText) {
        ObjectNode body = JSON.createObjectNode().put("model", "gpt-4o");
        body.putArray("messages").addObject().put("role", "user").put("content", userText);
        return body;
    }

    private static void addTool(ObjectNode request, String name) {
        ArrayNode tools = request.has("tools") ? (ArrayNode) request.get("tools") : request.putArray("tools");
        ObjectNode function = tools.addObject().put("type", "function").putObject("function");
        function.put("name", name).put("description", "a tool");
        function.putObject("parameters").put("type", "object").putObject("properties");
    }

    /** @return the data of every SSE event, in order */
    private static List<String> events(String body) {
        List<String> events = new ArrayList<>();
        for (String frame : body.split("\n\n")) {
            for (String line : frame.split("\n")) {
                if (line.startsWith("data: ")) {
                    events.add(line.substring("data: ".length()));
                }
            }
        }
        return events;
    }
}
