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
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * A fake of Anthropic's Messages API on 127.0.0.1: {@code POST /v1/messages} answers scripted
 * {@link FakeReply replies} as a message JSON or, when the request says {@code "stream": true}, as
 * the real server-sent event sequence ({@code message_start}, {@code content_block_start}, {@code
 * content_block_delta} with {@code text_delta} or {@code input_json_delta} pieces, {@code
 * content_block_stop}, {@code message_delta}, {@code message_stop}); {@code GET /v1/models} lists
 * models.
 *
 * <p>Like the real API it refuses, with 400 {@code invalid_request_error}, requests that break the
 * wire format: roles that do not alternate between {@code user} and {@code assistant}, a {@code
 * tool_result} that answers no {@code tool_use} of the previous assistant message, a {@code
 * tool_use} left without result, tool names outside {@code ^[a-zA-Z0-9_-]{1,64}$}, empty or
 * blank text blocks. It answers 401 without {@code x-api-key} or {@code Authorization} and 400 without {@code
 * anthropic-version}. A refused request still counts as a chat request and uses up the scripted
 * reply it would have got (the base class takes the reply before the request is rendered).
 */
public class FakeAnthropicServer extends FakeLlmServer {

    /** The models {@code GET /v1/models} lists unless a test sets others. */
    public static final List<String> DEFAULT_MODELS =
            List.of("claude-sonnet-4-6", "claude-opus-4-6", "claude-haiku-4-5-20251001");

    private static final Pattern TOOL_NAME = Pattern.compile("^[a-zA-Z0-9_-]{1,64}$");
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SecureRandom random = new SecureRandom();
    private final List<String> models = new CopyOnWriteArrayList<>(DEFAULT_MODELS);

    /** Starts the fake on 127.0.0.1 with an ephemeral port. */
    public FakeAnthropicServer() {
        super();
    }

    /**
     * Starts the fake on 127.0.0.1.
     *
     * @param port the port, or 0 for an ephemeral one
     */
    public FakeAnthropicServer(int port) {
        super(port);
    }

    /** Sets the model ids {@code GET /v1/models} lists, in this order. */
    public FakeAnthropicServer models(String... ids) {
        models.clear();
        models.addAll(List.of(ids));
        return this;
    }

    @Override
    protected boolean isChatRequest(RecordedRequest request) {
        return request.method().equals("POST") && request.path().equals("/v1/messages");
    }

    @Override
    protected void handleOther(HttpExchange exchange, RecordedRequest request) throws IOException {
        if (!request.method().equals("GET") || !request.path().equals("/v1/models")) {
            sendError(exchange, 404, "not_found_error", "no " + request.method() + " " + request.path() + " in the fake");
            return;
        }
        String refusal = refuseHeaders(request);
        if (refusal != null) {
            sendError(exchange, refusal.startsWith("anthropic-version") ? 400 : 401, errorType(refusal), refusal);
            return;
        }
        ObjectNode body = JSON.createObjectNode();
        ArrayNode data = body.putArray("data");
        for (String id : models) {
            data.addObject()
                    .put("type", "model")
                    .put("id", id)
                    .put("display_name", id)
                    .put("created_at", "2025-01-01T00:00:00Z");
        }
        body.put("has_more", false);
        body.put("first_id", models.isEmpty() ? null : models.get(0));
        body.put("last_id", models.isEmpty() ? null : models.get(models.size() - 1));
        respond(exchange, 200, "application/json", body.toString());
    }

    @Override
    protected boolean refuse(HttpExchange exchange, RecordedRequest request) throws IOException {
        String refusal = refuseHeaders(request);
        if (refusal != null) {
            sendError(exchange, refusal.startsWith("anthropic-version") ? 400 : 401, errorType(refusal), refusal);
            return true;
        }
        JsonNode body;
        try {
            body = JSON.readTree(request.body());
        } catch (JsonProcessingException e) {
            sendError(exchange, 400, "invalid_request_error", "request body is not valid JSON");
            return true;
        }
        String invalid = validate(body);
        if (invalid != null) {
            sendError(exchange, 400, "invalid_request_error", invalid);
            return true;
        }
        return false;
    }

    @Override
    protected void render(HttpExchange exchange, RecordedRequest request, FakeReply reply) throws IOException {
        JsonNode body = request.json();
        if (reply.kind() == FakeReply.Kind.ERROR) {
            sendError(exchange, reply.status(), errorTypeFor(reply.status()), reply.text());
            return;
        }
        List<ObjectNode> blocks = contentBlocks(request, reply);
        String stopReason = reply.calls().isEmpty() ? "end_turn" : "tool_use";
        String model = body.path("model").asText();
        int inputTokens = Math.max(1, request.body().length() / 4);
        int outputTokens = Math.max(1, blocks.toString().length() / 4);
        if (body.path("stream").asBoolean(false)) {
            stream(exchange, model, blocks, stopReason, inputTokens, outputTokens);
            return;
        }
        ObjectNode message = JSON.createObjectNode();
        message.put("id", "msg_" + randomId());
        message.put("type", "message");
        message.put("role", "assistant");
        message.put("model", model);
        message.putArray("content").addAll(blocks);
        message.put("stop_reason", stopReason);
        message.putNull("stop_sequence");
        message.putObject("usage").put("input_tokens", inputTokens).put("output_tokens", outputTokens);
        respond(exchange, 200, "application/json", message.toString());
    }

    @Override
    protected List<WireTurn> turns(JsonNode body) {
        List<WireTurn> turns = new ArrayList<>();
        String system = text(body.path("system"));
        if (!system.isEmpty()) {
            turns.add(new WireTurn("system", system, 0));
        }
        for (JsonNode message : body.path("messages")) {
            String role = message.path("role").asText();
            JsonNode content = message.path("content");
            if (content.isTextual()) {
                turns.add(new WireTurn(role, content.asText(), 0));
                continue;
            }
            if (role.equals("assistant")) {
                int calls = 0;
                for (JsonNode block : content) {
                    calls += block.path("type").asText().equals("tool_use") ? 1 : 0;
                }
                turns.add(new WireTurn(role, text(content), calls));
                continue;
            }
            StringBuilder pending = new StringBuilder();
            for (JsonNode block : content) {
                if (block.path("type").asText().equals("tool_result")) {
                    if (pending.length() > 0) {
                        turns.add(new WireTurn(role, pending.toString(), 0));
                        pending.setLength(0);
                    }
                    turns.add(new WireTurn("tool", text(block.path("content")), 0));
                } else if (block.path("type").asText().equals("text")) {
                    pending.append(block.path("text").asText());
                }
            }
            if (pending.length() > 0) {
                turns.add(new WireTurn(role, pending.toString(), 0));
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

    /** @return why the headers would make the real API refuse the request, or {@code null} */
    private static String refuseHeaders(RecordedRequest request) {
        String key = request.header("x-api-key");
        String authorization = request.header("authorization");
        if ((key == null || key.isBlank()) && (authorization == null || !authorization.startsWith("Bearer "))) {
            return "x-api-key header is required";
        }
        if (request.header("anthropic-version") == null) {
            return "anthropic-version: header is required";
        }
        return null;
    }

    private static String errorType(String refusal) {
        return refusal.startsWith("anthropic-version") ? "invalid_request_error" : "authentication_error";
    }

    /**
     * Checks what the real Messages API checks before it runs the model.
     *
     * @return the reason to refuse the request, or {@code null} when it is valid
     */
    static String validate(JsonNode body) {
        if (!body.isObject()) {
            return "request body must be a JSON object";
        }
        if (!body.path("model").isTextual() || body.path("model").asText().isEmpty()) {
            return "model: Field required";
        }
        if (!body.path("max_tokens").isIntegralNumber() || body.path("max_tokens").asInt() < 1) {
            return "max_tokens: Field required (a positive integer)";
        }
        String system = validateSystem(body.path("system"));
        if (system != null) {
            return system;
        }
        String tools = validateTools(body.path("tools"));
        if (tools != null) {
            return tools;
        }
        JsonNode messages = body.path("messages");
        if (!messages.isArray() || messages.isEmpty()) {
            return "messages: at least one message is required";
        }
        Set<String> previousToolUses = Set.of();
        String previousRole = null;
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            String at = "messages." + i;
            String role = message.path("role").asText();
            if (!role.equals("user") && !role.equals("assistant")) {
                return at + ".role: Input should be 'user' or 'assistant'";
            }
            if (role.equals(previousRole)) {
                return "messages: roles must alternate between \"user\" and \"assistant\", but found multiple \""
                        + role + "\" roles in a row";
            }
            boolean last = i == messages.size() - 1;
            JsonNode content = message.path("content");
            Set<String> answered = new HashSet<>();
            Set<String> toolUses = new HashSet<>();
            if (content.isTextual()) {
                if (content.asText().isEmpty() && !(last && role.equals("assistant"))) {
                    return at + ": all messages must have non-empty content except for the optional final assistant message";
                }
            } else if (content.isArray()) {
                if (content.isEmpty() && !(last && role.equals("assistant"))) {
                    return at + ": all messages must have non-empty content except for the optional final assistant message";
                }
                for (int b = 0; b < content.size(); b++) {
                    String problem = validateBlock(content.get(b), at + ".content." + b, role, previousToolUses, answered, toolUses);
                    if (problem != null) {
                        return problem;
                    }
                }
            } else {
                return at + ".content: Input should be a valid string or list of content blocks";
            }
            if (role.equals("user") && !previousToolUses.isEmpty()) {
                Set<String> missing = new HashSet<>(previousToolUses);
                missing.removeAll(answered);
                if (!missing.isEmpty()) {
                    return "messages." + (i - 1) + ": `tool_use` ids were found without `tool_result` blocks immediately after: "
                            + String.join(", ", missing.stream().sorted().toList())
                            + ". Each `tool_use` block must have a corresponding `tool_result` block in the next message.";
                }
            }
            previousToolUses = toolUses;
            previousRole = role;
        }
        return null;
    }

    private static String validateBlock(
            JsonNode block, String at, String role, Set<String> previousToolUses, Set<String> answered, Set<String> toolUses) {
        String type = block.path("type").asText();
        switch (type) {
            case "text":
                if (!block.path("text").isTextual() || block.path("text").asText().isEmpty()) {
                    return at + ".text: text content blocks must be non-empty";
                }
                if (block.path("text").asText().isBlank()) {
                    return at + ".text: text content blocks must contain non-whitespace text";
                }
                return null;
            case "image":
                if (!role.equals("user")) {
                    return at + ": image blocks can only be in `user` messages";
                }
                JsonNode source = block.path("source");
                if (!source.path("type").asText().equals("base64")) {
                    return at + ".source.type: Input should be 'base64', 'url' or 'file'";
                }
                if (!ImageData.TYPES.contains(source.path("media_type").asText())) {
                    return at + ".source.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'";
                }
                if (ImageData.decode(source.path("data").asText("")) == null) {
                    return at + ".source.data: The image data is not valid base64";
                }
                return null;
            case "tool_use":
                if (!role.equals("assistant")) {
                    return at + ": `tool_use` blocks can only be in `assistant` messages";
                }
                String name = block.path("name").asText();
                if (!TOOL_NAME.matcher(name).matches()) {
                    return at + ".name: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'";
                }
                if (!block.path("id").isTextual() || block.path("id").asText().isEmpty()) {
                    return at + ".id: Field required";
                }
                if (!block.path("input").isObject()) {
                    return at + ".input: Input should be a valid dictionary";
                }
                if (!toolUses.add(block.path("id").asText())) {
                    return at + ": `tool_use` ids must be unique";
                }
                return null;
            case "tool_result":
                if (!role.equals("user")) {
                    return at + ": `tool_result` blocks can only be in `user` messages";
                }
                String id = block.path("tool_use_id").asText();
                if (!previousToolUses.contains(id)) {
                    return at + ": unexpected `tool_use_id` found in `tool_result` blocks: " + id
                            + ". Each `tool_result` block must have a corresponding `tool_use` block in the previous message.";
                }
                if (!answered.add(id)) {
                    return at + ": each `tool_use` must have a single result. Found multiple `tool_result` blocks with id: " + id;
                }
                JsonNode content = block.path("content");
                if (!content.isMissingNode() && !content.isTextual() && !content.isArray()) {
                    return at + ".content: Input should be a valid string or list of content blocks";
                }
                if (content.isArray()) {
                    for (JsonNode inner : content) {
                        if (inner.path("type").asText().equals("text") && inner.path("text").asText().isEmpty()) {
                            return at + ".content: text content blocks must be non-empty";
                        }
                    }
                }
                if (block.has("is_error") && !block.get("is_error").isBoolean()) {
                    return at + ".is_error: Input should be a valid boolean";
                }
                return null;
            default:
                return at + ".type: unknown content block type '" + type + "'";
        }
    }

    private static String validateSystem(JsonNode system) {
        if (system.isMissingNode() || system.isTextual()) {
            return null;
        }
        if (!system.isArray()) {
            return "system: Input should be a valid string or list of text blocks";
        }
        for (int i = 0; i < system.size(); i++) {
            JsonNode block = system.get(i);
            if (!block.path("type").asText().equals("text") || block.path("text").asText().isEmpty()) {
                return "system." + i + ": system blocks must be non-empty text blocks";
            }
        }
        return null;
    }

    private static String validateTools(JsonNode tools) {
        if (tools.isMissingNode()) {
            return null;
        }
        if (!tools.isArray()) {
            return "tools: Input should be a valid list";
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < tools.size(); i++) {
            JsonNode tool = tools.get(i);
            String name = tool.path("name").asText();
            if (!TOOL_NAME.matcher(name).matches()) {
                return "tools." + i + ".custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'";
            }
            if (!names.add(name)) {
                return "tools: Tool names must be unique.";
            }
            JsonNode schema = tool.path("input_schema");
            if (!schema.isObject() || !schema.path("type").asText().equals("object")) {
                return "tools." + i + ".custom.input_schema.type: Input should be 'object'";
            }
            if (tool.has("description") && !tool.get("description").isTextual()) {
                return "tools." + i + ".custom.description: Input should be a valid string";
            }
        }
        return null;
    }

    private List<ObjectNode> contentBlocks(RecordedRequest request, FakeReply reply) {
        List<ObjectNode> blocks = new ArrayList<>();
        if (!reply.text().isEmpty()) {
            ObjectNode text = JSON.createObjectNode();
            text.put("type", "text").put("text", reply.text());
            blocks.add(text);
        }
        for (FakeReply.Call call : reply.calls()) {
            JsonNode input;
            try {
                input = JSON.readTree(call.arguments());
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("scripted arguments are not JSON: " + call.arguments(), e);
            }
            ObjectNode use = JSON.createObjectNode();
            use.put("type", "tool_use");
            use.put("id", "toolu_" + randomId());
            use.put("name", wireToolName(request, call.name()));
            use.set("input", input);
            blocks.add(use);
        }
        return blocks;
    }

    private void stream(
            HttpExchange exchange, String model, List<ObjectNode> blocks, String stopReason, int inputTokens, int outputTokens)
            throws IOException {
        OutputStream out = startSse(exchange);
        ObjectNode start = JSON.createObjectNode().put("type", "message_start");
        ObjectNode message = start.putObject("message");
        message.put("id", "msg_" + randomId())
                .put("type", "message")
                .put("role", "assistant")
                .put("model", model);
        message.putArray("content");
        message.putNull("stop_reason");
        message.putNull("stop_sequence");
        message.putObject("usage").put("input_tokens", inputTokens).put("output_tokens", 1);
        sse(out, "message_start", start.toString());
        sse(out, "ping", "{\"type\": \"ping\"}");
        for (int index = 0; index < blocks.size(); index++) {
            ObjectNode block = blocks.get(index);
            ObjectNode blockStart = JSON.createObjectNode().put("type", "content_block_start").put("index", index);
            boolean isText = block.path("type").asText().equals("text");
            if (isText) {
                blockStart.putObject("content_block").put("type", "text").put("text", "");
            } else {
                ObjectNode use = blockStart.putObject("content_block");
                use.put("type", "tool_use").put("id", block.path("id").asText()).put("name", block.path("name").asText());
                use.putObject("input");
            }
            sse(out, "content_block_start", blockStart.toString());
            List<String> pieces = isText ? pieces(block.path("text").asText(), 8) : pieces(block.path("input").toString(), 10);
            if (!isText) {
                // the real API opens a tool input with an empty partial_json
                pieces.add(0, "");
            }
            for (String piece : pieces) {
                ObjectNode delta = JSON.createObjectNode().put("type", "content_block_delta").put("index", index);
                if (isText) {
                    delta.putObject("delta").put("type", "text_delta").put("text", piece);
                } else {
                    delta.putObject("delta").put("type", "input_json_delta").put("partial_json", piece);
                }
                sse(out, "content_block_delta", delta.toString());
            }
            sse(out, "content_block_stop", JSON.createObjectNode().put("type", "content_block_stop").put("index", index).toString());
        }
        ObjectNode messageDelta = JSON.createObjectNode().put("type", "message_delta");
        messageDelta.putObject("delta").put("stop_reason", stopReason).putNull("stop_sequence");
        messageDelta.putObject("usage").put("output_tokens", outputTokens);
        sse(out, "message_delta", messageDelta.toString());
        sse(out, "message_stop", "{\"type\": \"message_stop\"}");
        out.close();
    }

    /** Splits text into several pieces of at most {@code max} code points, never inside a surrogate pair. */
    private static List<String> pieces(String text, int max) {
        int[] codePoints = text.codePoints().toArray();
        int size = Math.max(1, Math.min(max, (codePoints.length + 2) / 3));
        List<String> pieces = new ArrayList<>();
        for (int i = 0; i < codePoints.length; i += size) {
            pieces.add(new String(codePoints, i, Math.min(size, codePoints.length - i)));
        }
        return pieces;
    }

    private static void sendError(HttpExchange exchange, int status, String type, String message) throws IOException {
        ObjectNode body = JSON.createObjectNode().put("type", "error");
        body.putObject("error").put("type", type).put("message", message);
        exchange.getResponseHeaders().set("request-id", "req_fake");
        respond(exchange, status, "application/json", body.toString());
    }

    private static String errorTypeFor(int status) {
        return switch (status) {
            case 400 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 529 -> "overloaded_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    }

    /** @return the text of a string or of a list of text blocks */
    private static String text(JsonNode content) {
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode block : content) {
            if (block.path("type").asText().equals("text")) {
                text.append(block.path("text").asText());
            }
        }
        return text.toString();
    }

    private String randomId() {
        StringBuilder id = new StringBuilder(24);
        for (int i = 0; i < 24; i++) {
            id.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return id.toString();
    }
}
