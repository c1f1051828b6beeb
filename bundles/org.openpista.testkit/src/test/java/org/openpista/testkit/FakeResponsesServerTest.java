package org.openpista.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FakeResponsesServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final FakeResponsesServer server = new FakeResponsesServer();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void answersTextAsAResponseObject() throws Exception {
        server.enqueue(FakeReply.text("Hello there"));

        HttpResponse<String> answer = post(request("hi"));

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.path("object").asText()).isEqualTo("response");
        assertThat(body.path("status").asText()).isEqualTo("completed");
        JsonNode message = body.path("output").get(0);
        assertThat(message.path("type").asText()).isEqualTo("message");
        assertThat(message.path("content").get(0).path("text").asText()).isEqualTo("Hello there");
        assertThat(body.path("usage").path("total_tokens").asInt()).isPositive();
    }

    @Test
    void streamsTextDeltasAndEndsWithResponseCompleted() throws Exception {
        server.enqueue(FakeReply.text("Hello there"));
        ObjectNode request = request("hi");
        request.put("stream", true);

        List<JsonNode> events = events(post(request).body());

        assertThat(events.get(0).path("type").asText()).isEqualTo("response.created");
        StringBuilder text = new StringBuilder();
        events.stream().filter(e -> e.path("type").asText().equals("response.output_text.delta"))
                .forEach(e -> text.append(e.path("delta").asText()));
        assertThat(text).hasToString("Hello there");
        JsonNode last = events.get(events.size() - 1);
        assertThat(last.path("type").asText()).isEqualTo("response.completed");
        assertThat(last.path("response").path("output").get(0).path("content").get(0).path("text").asText()).isEqualTo("Hello there");
        assertThat(events).extracting(e -> e.path("sequence_number").asInt()).isSorted();
    }

    @Test
    void streamsFunctionCallsWithTheOfferedWireNameAndArgumentPieces() throws Exception {
        server.enqueue(FakeReply.toolCall("system.run", "{\"command\":\"ls -la /tmp\"}"));
        ObjectNode request = request("list");
        request.put("stream", true);
        addTool(request, "system_run");

        List<JsonNode> events = events(post(request).body());

        JsonNode added = events.stream().filter(e -> e.path("type").asText().equals("response.output_item.added")).findFirst().orElseThrow();
        assertThat(added.path("item").path("name").asText()).isEqualTo("system_run");
        StringBuilder arguments = new StringBuilder();
        events.stream().filter(e -> e.path("type").asText().equals("response.function_call_arguments.delta"))
                .forEach(e -> arguments.append(e.path("delta").asText()));
        assertThat(arguments).hasToString("{\"command\":\"ls -la /tmp\"}");
    }

    @Test
    void reasoningItemsMustComeBackWithTheirFunctionCalls() throws Exception {
        server.reasoning(true);
        server.enqueue(FakeReply.toolCall("system.run", "{}"), FakeReply.text("done"), FakeReply.text("done"));
        ObjectNode first = request("go");
        addTool(first, "system_run");
        JsonNode output = JSON.readTree(post(first).body()).path("output");
        JsonNode reasoningItem = output.get(0);
        JsonNode call = output.get(1);
        assertThat(reasoningItem.path("type").asText()).isEqualTo("reasoning");
        assertThat(reasoningItem.path("encrypted_content").asText()).isNotEmpty();

        ObjectNode without = request("go");
        addTool(without, "system_run");
        ((ArrayNode) without.path("input")).add(call);
        ((ArrayNode) without.path("input")).addObject().put("type", "function_call_output")
                .put("call_id", call.path("call_id").asText()).put("output", "ok");
        HttpResponse<String> refused = post(without);

        ObjectNode with = request("go");
        addTool(with, "system_run");
        ((ArrayNode) with.path("input")).add(reasoningItem);
        ((ArrayNode) with.path("input")).add(call);
        ((ArrayNode) with.path("input")).addObject().put("type", "function_call_output")
                .put("call_id", call.path("call_id").asText()).put("output", "ok");
        HttpResponse<String> accepted = post(with);

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("without its required 'reasoning' item");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
    }

    @Test
    void refusesAFunctionCallWithoutOutputAndAnOutputWithoutCall() throws Exception {
        server.enqueue(FakeReply.text("a"), FakeReply.text("b"));
        ObjectNode dangling = request("x");
        ((ArrayNode) dangling.path("input")).addObject().put("type", "function_call").put("call_id", "call_1")
                .put("name", "f").put("arguments", "{}");
        ObjectNode orphan = request("x");
        ((ArrayNode) orphan.path("input")).addObject().put("type", "function_call_output").put("call_id", "call_9").put("output", "");

        assertThat(post(dangling).body()).contains("No tool output found for function call call_1");
        assertThat(post(orphan).body()).contains("No tool call found for function call output with call_id call_9");
    }

    @Test
    void checksKeyAndAccountWhenAsked() throws Exception {
        server.requireApiKey("tok").requireAccountId("acct-1");
        server.enqueue(FakeReply.text("a"), FakeReply.text("b"));

        HttpResponse<String> noAccount = send(request("x"), "Bearer tok", null);
        HttpResponse<String> fine = send(request("x"), "Bearer tok", "acct-1");

        assertThat(noAccount.statusCode()).isEqualTo(401);
        assertThat(fine.statusCode()).isEqualTo(200);
    }

    @Test
    void listsModels() throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/models")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(JSON.readTree(answer.body()).path("data").get(0).path("id").asText()).isEqualTo("gpt-5");
    }

    private static ObjectNode request(String text) {
        ObjectNode request = JSON.createObjectNode();
        request.put("model", "gpt-5");
        request.put("instructions", "be brief");
        request.put("store", false);
        ArrayNode input = request.putArray("input");
        input.addObject().put("role", "user").putArray("content").addObject().put("type", "input_text").put("text", text);
        return request;
    }

    private static void addTool(ObjectNode request, String name) {
        ArrayNode tools = request.has("tools") ? (ArrayNode) request.get("tools") : request.putArray("tools");
        ObjectNode tool = tools.addObject().put("type", "function").put("name", name).put("description", "d");
        tool.putObject("parameters").put("type", "object");
    }

    private HttpResponse<String> post(ObjectNode body) throws Exception {
        return send(body, null, null);
    }

    private HttpResponse<String> send(ObjectNode body, String authorization, String account) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/responses"))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (authorization != null) {
            request.header("authorization", authorization);
        }
        if (account != null) {
            request.header("chatgpt-account-id", account);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<JsonNode> events(String body) throws Exception {
        List<JsonNode> events = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (line.startsWith("data: ")) {
                events.add(JSON.readTree(line.substring(6)));
            }
        }
        return events;
    }
}
