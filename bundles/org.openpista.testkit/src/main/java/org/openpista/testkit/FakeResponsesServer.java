package org.openpista.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * A fake of OpenAI's Responses API on 127.0.0.1: {@code POST /v1/responses} answers scripted {@link
 * FakeReply replies} as a {@code response} object or, when the request says {@code "stream": true},
 * as the real server-sent event sequence ({@code response.created}, {@code response.in_progress},
 * per output item {@code response.output_item.added}, the text in {@code
 * response.output_text.delta} pieces or the arguments in {@code
 * response.function_call_arguments.delta} pieces, {@code response.output_item.done}, and {@code
 * response.completed} with the whole response and its usage). {@code GET /v1/models} lists models.
 *
 * <p>With {@link #reasoning(boolean)} every answer starts with a {@code reasoning} item carrying
 * {@code encrypted_content}, as reasoning models do with {@code store: false} and {@code include:
 * ["reasoning.encrypted_content"]}; like the real API, the fake then refuses a later request that
 * sends back one of that answer's {@code function_call} items (by its {@code fc_} id) without the
 * reasoning item before it, or a reasoning item whose encrypted content it did not issue.
 *
 * <p>Like the real API it refuses, with 400 {@code invalid_request_error}, requests that break the
 * wire format: no model, no input, unknown roles or content part types, a {@code
 * function_call_output} without an earlier {@code function_call} of that {@code call_id}, a {@code
 * function_call} left without output, tool names outside {@code ^[a-zA-Z0-9_-]{1,64}$} or given
 * twice. {@link #requireApiKey(String)} and {@link #requireAccountId(String)} make it check {@code
 * Authorization: Bearer} and {@code chatgpt-account-id}.
 */
public class FakeResponsesServer extends FakeLlmServer {

    /** The models {@code GET /v1/models} lists unless a test sets others. */
    public static final List<String> DEFAULT_MODELS = List.of("gpt-5", "gpt-5-mini", "gpt-4.1");

    private static final Pattern TOOL_NAME = Pattern.compile("^[a-zA-Z0-9_-]{1,64}$");
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant");
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int TEXT_PIECE = 4;
    private static final int ARGUMENT_PIECE = 7;

    private final SecureRandom random = new SecureRandom();
    private final List<String> models = new CopyOnWriteArrayList<>(DEFAULT_MODELS);
    /** Reasoning item id → the encrypted content issued with it. */
    private final Map<String, String> issuedReasoning = new ConcurrentHashMap<>();
    /** Function call item id ({@code fc_…}) → the reasoning item id that came before it. */
    private final Map<String, String> reasoningOfCall = new ConcurrentHashMap<>();
    private volatile boolean reasoning;
    private volatile String requiredKey;
    private volatile String requiredAccountId;

    /** Starts the fake on 127.0.0.1 with an ephemeral port. */
    public FakeResponsesServer() {
        super();
    }

    /**
     * Starts the fake on 127.0.0.1.
     *
     * @param port the port, or 0 for an ephemeral one
     */
    public FakeResponsesServer(int port) {
        super(port);
    }

    /** Sets the model ids {@code GET /v1/models} lists, in this order. */
    public FakeResponsesServer models(String... ids) {
        models.clear();
        models.addAll(List.of(ids));
        return this;
    }

    /** Makes every answer start with an encrypted reasoning item that must be sent back with its calls. */
    public FakeResponsesServer reasoning(boolean on) {
        this.reasoning = on;
        return this;
    }

    /** Answers 401 unless a request carries {@code Authorization: Bearer <key>}; {@code null} accepts any. */
    public FakeResponsesServer requireApiKey(String key) {
        this.requiredKey = key;
        return this;
    }

    /** Answers 401 unless a request carries {@code chatgpt-account-id: <id>}; {@code null} accepts any. */
    public FakeResponsesServer requireAccountId(String accountId) {
        this.requiredAccountId = accountId;
        return this;
    }

    @Override
    protected boolean isChatRequest(RecordedRequest request) {
        return request.method().equals("POST") && request.path().endsWith("/responses");
    }

    @Override
    protected void handleOther(HttpExchange exchange, RecordedRequest request) throws IOException {
        if (!request.method().equals("GET") || !request.path().endsWith("/models")) {
            OpenAiWire.sendUnknownUrl(exchange, request.method(), request.path());
            return;
        }
        if (refuseCredentials(exchange, request)) {
            return;
        }
        OpenAiWire.sendModelList(exchange, models);
    }

    @Override
    protected void render(HttpExchange exchange, RecordedRequest request, FakeReply reply) throws IOException {
        if (refuseCredentials(exchange, request)) {
            return;
        }
        JsonNode body;
        try {
            body = JSON.readTree(request.body());
        } catch (JsonProcessingException e) {
            OpenAiWire.sendError(exchange, 400, "invalid_request_error", null, "We could not parse the JSON body of your request.");
            return;
        }
        String invalid = validate(body);
        if (invalid != null) {
            OpenAiWire.sendError(exchange, 400, "invalid_request_error", null, invalid);
            return;
        }
        if (reply.kind() == FakeReply.Kind.ERROR) {
            OpenAiWire.sendError(exchange, reply.status(), reply.status() >= 500 ? "server_error" : "invalid_request_error",
                    reply.status() == 429 ? "rate_limit_exceeded" : null, reply.text());
            return;
        }
        String model = body.path("model").asText();
        List<ObjectNode> output = new ArrayList<>();
        String reasoningId = null;
        if (reasoning) {
            reasoningId = "rs_" + randomId(24);
            String encrypted = "gAAAA" + randomId(60);
            issuedReasoning.put(reasoningId, encrypted);
            ObjectNode item = JSON.createObjectNode();
            item.put("id", reasoningId);
            item.put("type", "reasoning");
            item.putArray("summary");
            item.put("encrypted_content", encrypted);
            output.add(item);
        }
        if (!reply.text().isEmpty() || reply.calls().isEmpty()) {
            ObjectNode message = JSON.createObjectNode();
            message.put("id", "msg_" + randomId(24));
            message.put("type", "message");
            message.put("status", "completed");
            message.put("role", "assistant");
            ObjectNode part = message.putArray("content").addObject();
            part.put("type", "output_text");
            part.put("text", reply.text());
            part.putArray("annotations");
            output.add(message);
        }
        for (FakeReply.Call call : reply.calls()) {
            ObjectNode item = JSON.createObjectNode();
            String id = "fc_" + randomId(24);
            item.put("id", id);
            item.put("type", "function_call");
            item.put("status", "completed");
            item.put("arguments", call.arguments());
            item.put("call_id", "call_" + randomId(24));
            item.put("name", OpenAiWire.answerName(this, request, call.name()));
            output.add(item);
            if (reasoningId != null) {
                reasoningOfCall.put(id, reasoningId);
            }
        }
        ObjectNode response = JSON.createObjectNode();
        response.put("id", "resp_" + randomId(32));
        response.put("object", "response");
        response.put("created_at", System.currentTimeMillis() / 1000);
        response.put("model", model);
        response.putNull("error");
        int inputTokens = Math.max(1, request.body().length() / 4);
        int outputTokens = Math.max(1, output.toString().length() / 8);
        if (body.path("stream").asBoolean(false)) {
            stream(exchange, response, output, usage(inputTokens, outputTokens));
            return;
        }
        response.put("status", "completed");
        ArrayNode items = response.putArray("output");
        output.forEach(items::add);
        response.set("usage", usage(inputTokens, outputTokens));
        respond(exchange, 200, "application/json", response.toString());
    }

    @Override
    protected List<WireTurn> turns(JsonNode body) {
        List<WireTurn> turns = new ArrayList<>();
        if (body.path("instructions").isTextual()) {
            turns.add(new WireTurn("system", body.path("instructions").asText(), 0));
        }
        JsonNode input = body.path("input");
        if (input.isTextual()) {
            turns.add(new WireTurn("user", input.asText(), 0));
            return turns;
        }
        for (JsonNode item : input) {
            String type = item.path("type").asText("message");
            switch (type) {
                case "message" -> {
                    String role = item.path("role").asText();
                    turns.add(new WireTurn(role.equals("developer") ? "system" : role, text(item.path("content")), 0));
                }
                case "function_call" -> {
                    WireTurn last = turns.isEmpty() ? null : turns.get(turns.size() - 1);
                    if (last != null && last.role().equals("assistant")) {
                        turns.set(turns.size() - 1, new WireTurn("assistant", last.text(), last.toolCalls() + 1));
                    } else {
                        turns.add(new WireTurn("assistant", "", 1));
                    }
                }
                case "function_call_output" -> turns.add(new WireTurn("tool", item.path("output").asText(), 0));
                default -> {
                    // reasoning items say nothing the echo script needs
                }
            }
        }
        return turns;
    }

    @Override
    protected List<String> offeredToolNames(JsonNode body) {
        List<String> names = new ArrayList<>();
        for (JsonNode tool : body.path("tools")) {
            names.add(tool.path("name").asText());
        }
        return names;
    }

    /**
     * Checks what the real Responses API checks before it runs the model.
     *
     * @return the reason to refuse the request, or {@code null} when it is valid
     */
    String validate(JsonNode body) {
        if (!body.isObject()) {
            return "The request body must be a JSON object.";
        }
        if (!body.path("model").isTextual() || body.path("model").asText().isEmpty()) {
            return "Missing required parameter: 'model'.";
        }
        if (body.has("instructions") && !body.path("instructions").isTextual() && !body.path("instructions").isNull()) {
            return "Invalid type for 'instructions': expected a string.";
        }
        String tools = validateTools(body.path("tools"));
        if (tools != null) {
            return tools;
        }
        JsonNode input = body.path("input");
        if (input.isTextual()) {
            return null;
        }
        if (!input.isArray()) {
            return "Missing required parameter: 'input'.";
        }
        Set<String> reasoningSeen = new HashSet<>();
        Set<String> calls = new HashSet<>();
        Set<String> unanswered = new LinkedHashSet<>();
        for (int i = 0; i < input.size(); i++) {
            JsonNode item = input.get(i);
            String at = "input[" + i + "]";
            String type = item.path("type").asText("message");
            switch (type) {
                case "message": {
                    String role = item.path("role").asText();
                    if (!ROLES.contains(role)) {
                        return "Invalid value: '" + role + "'. Supported values are: 'assistant', 'system', 'developer', and 'user'.";
                    }
                    String problem = validateContent(item.path("content"), role, at);
                    if (problem != null) {
                        return problem;
                    }
                    break;
                }
                case "reasoning": {
                    String id = item.path("id").asText();
                    if (!item.path("summary").isArray()) {
                        return "Missing required parameter: '" + at + ".summary'.";
                    }
                    String issued = issuedReasoning.get(id);
                    if (issued == null || !issued.equals(item.path("encrypted_content").asText())) {
                        return "Item with id '" + id + "' not found. Items are not persisted when `store` is set to false."
                                + " Try again with `store` set to true, or remove this item from your input.";
                    }
                    reasoningSeen.add(id);
                    break;
                }
                case "function_call": {
                    String callId = item.path("call_id").asText();
                    if (callId.isEmpty()) {
                        return "Missing required parameter: '" + at + ".call_id'.";
                    }
                    if (!item.path("name").isTextual() || !item.path("arguments").isTextual()) {
                        return "Missing required parameter: '" + at + ".name' or '" + at + ".arguments' (a string).";
                    }
                    String id = item.path("id").asText("");
                    String needed = reasoningOfCall.get(id);
                    if (needed != null && !reasoningSeen.contains(needed)) {
                        return "Item '" + id + "' of type 'function_call' was provided without its required 'reasoning' item: '"
                                + needed + "'.";
                    }
                    calls.add(callId);
                    unanswered.add(callId);
                    break;
                }
                case "function_call_output": {
                    String callId = item.path("call_id").asText();
                    if (!calls.contains(callId)) {
                        return "No tool call found for function call output with call_id " + callId + ".";
                    }
                    if (!item.path("output").isTextual() && !item.path("output").isArray()) {
                        return "Invalid type for '" + at + ".output': expected a string.";
                    }
                    unanswered.remove(callId);
                    break;
                }
                default:
                    return "Invalid value: '" + type + "'. Supported values are: 'message', 'reasoning', 'function_call',"
                            + " and 'function_call_output'.";
            }
        }
        if (!unanswered.isEmpty()) {
            return "No tool output found for function call " + unanswered.iterator().next() + ".";
        }
        return null;
    }

    private static String validateContent(JsonNode content, String role, String at) {
        if (content.isTextual()) {
            return null;
        }
        if (!content.isArray()) {
            return "Invalid type for '" + at + ".content': expected one of a string or array of objects.";
        }
        for (int p = 0; p < content.size(); p++) {
            String type = content.get(p).path("type").asText();
            boolean fits = role.equals("assistant") ? type.equals("output_text") || type.equals("refusal")
                    : type.equals("input_text") || type.equals("input_image") || type.equals("input_file");
            if (fits && type.equals("input_image") && !ImageData.validUrl(content.get(p).path("image_url").asText(""))) {
                return "Invalid '" + at + ".content[" + p + "].image_url'. Expected a base64-encoded data URL with an"
                        + " image MIME type (e.g. 'data:image/png;base64,...').";
            }
            if (!fits) {
                return "Invalid value: '" + type + "'. Supported values are: "
                        + (role.equals("assistant") ? "'output_text' and 'refusal'." : "'input_text', 'input_image', and 'input_file'.")
                        + " (at " + at + ".content[" + p + "])";
            }
        }
        return null;
    }

    private static String validateTools(JsonNode tools) {
        if (tools.isMissingNode()) {
            return null;
        }
        if (!tools.isArray()) {
            return "Invalid type for 'tools': expected an array.";
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < tools.size(); i++) {
            JsonNode tool = tools.get(i);
            if (!tool.path("type").asText().equals("function")) {
                return "Invalid value for 'tools[" + i + "].type': expected 'function'.";
            }
            String name = tool.path("name").asText();
            if (!TOOL_NAME.matcher(name).matches()) {
                return "Invalid 'tools[" + i + "].name': string does not match pattern. Expected a string that matches"
                        + " the pattern '^[a-zA-Z0-9_-]+$'.";
            }
            if (!names.add(name)) {
                return "Duplicate value for 'tools': a function named '" + name + "' is given twice.";
            }
            if (tool.has("parameters") && !tool.path("parameters").isObject()) {
                return "Invalid type for 'tools[" + i + "].parameters': expected an object.";
            }
        }
        return null;
    }

    private void stream(HttpExchange exchange, ObjectNode response, List<ObjectNode> output, ObjectNode usage) throws IOException {
        OutputStream out = startSse(exchange);
        Sequence events = new Sequence(out);
        response.put("status", "in_progress");
        response.putArray("output");
        events.send("response.created", JSON.createObjectNode().set("response", response.deepCopy()));
        events.send("response.in_progress", JSON.createObjectNode().set("response", response.deepCopy()));
        for (int index = 0; index < output.size(); index++) {
            ObjectNode item = output.get(index);
            String type = item.path("type").asText();
            String id = item.path("id").asText();
            ObjectNode added = item.deepCopy();
            switch (type) {
                case "message" -> {
                    added.put("status", "in_progress");
                    added.putArray("content");
                    events.send("response.output_item.added", itemEvent(index, added));
                    String text = item.path("content").get(0).path("text").asText();
                    ObjectNode part = JSON.createObjectNode().put("type", "output_text").put("text", "");
                    part.putArray("annotations");
                    events.send("response.content_part.added", partEvent(id, index).set("part", part));
                    for (String piece : OpenAiWire.pieces(text, TEXT_PIECE)) {
                        events.send("response.output_text.delta", partEvent(id, index).put("delta", piece));
                    }
                    events.send("response.output_text.done", partEvent(id, index).put("text", text));
                    events.send("response.content_part.done", partEvent(id, index).set("part", item.path("content").get(0)));
                }
                case "function_call" -> {
                    added.put("status", "in_progress");
                    added.put("arguments", "");
                    events.send("response.output_item.added", itemEvent(index, added));
                    String arguments = item.path("arguments").asText();
                    for (String piece : OpenAiWire.pieces(arguments, ARGUMENT_PIECE)) {
                        events.send("response.function_call_arguments.delta",
                                JSON.createObjectNode().put("item_id", id).put("output_index", index).put("delta", piece));
                    }
                    events.send("response.function_call_arguments.done",
                            JSON.createObjectNode().put("item_id", id).put("output_index", index).put("arguments", arguments));
                }
                default -> {
                    added.remove("encrypted_content");
                    events.send("response.output_item.added", itemEvent(index, added));
                }
            }
            events.send("response.output_item.done", itemEvent(index, item));
        }
        response.put("status", "completed");
        ArrayNode items = response.putArray("output");
        output.forEach(items::add);
        response.set("usage", usage);
        events.send("response.completed", JSON.createObjectNode().set("response", response));
    }

    private static ObjectNode itemEvent(int index, ObjectNode item) {
        ObjectNode event = JSON.createObjectNode();
        event.put("output_index", index);
        event.set("item", item);
        return event;
    }

    private static ObjectNode partEvent(String itemId, int index) {
        return JSON.createObjectNode().put("item_id", itemId).put("output_index", index).put("content_index", 0);
    }

    /** Numbers the events of one stream and writes each with its {@code event:} line. */
    private static final class Sequence {
        private final OutputStream out;
        private int number;

        Sequence(OutputStream out) {
            this.out = out;
        }

        void send(String type, ObjectNode data) throws IOException {
            ObjectNode event = JSON.createObjectNode();
            event.put("type", type);
            event.put("sequence_number", number++);
            event.setAll(data);
            sse(out, type, event.toString());
        }
    }

    private boolean refuseCredentials(HttpExchange exchange, RecordedRequest request) throws IOException {
        String key = requiredKey;
        if (key != null) {
            String authorization = request.header("authorization");
            if (authorization == null || !authorization.equals("Bearer " + key)) {
                OpenAiWire.sendError(exchange, 401, "invalid_request_error", "invalid_api_key",
                        authorization == null ? "You didn't provide an API key." : "Incorrect API key provided.");
                return true;
            }
        }
        String account = requiredAccountId;
        if (account != null && !account.equals(request.header("chatgpt-account-id"))) {
            OpenAiWire.sendError(exchange, 401, "invalid_request_error", "account_mismatch",
                    "The chatgpt-account-id header is missing or does not match the token.");
            return true;
        }
        return false;
    }

    private static ObjectNode usage(int inputTokens, int outputTokens) {
        ObjectNode usage = JSON.createObjectNode();
        usage.put("input_tokens", inputTokens);
        usage.putObject("input_tokens_details").put("cached_tokens", 0);
        usage.put("output_tokens", outputTokens);
        usage.putObject("output_tokens_details").put("reasoning_tokens", 0);
        usage.put("total_tokens", inputTokens + outputTokens);
        return usage;
    }


    private static String text(JsonNode content) {
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : content) {
            text.append(part.path("text").asText());
        }
        return text.toString();
    }

    private String randomId(int length) {
        return OpenAiWire.randomId(random, ALPHABET, length);
    }
}
