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
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * A fake of OpenAI's Chat Completions API on 127.0.0.1, also good for the OpenAI-compatible hosts
 * (Together, Ollama, OpenRouter): {@code POST /v1/chat/completions} answers scripted {@link
 * FakeReply replies} as a {@code chat.completion} JSON or, when the request says {@code "stream":
 * true}, as the real server-sent event sequence of {@code chat.completion.chunk}s (the role, text in
 * several {@code delta.content} pieces, {@code delta.tool_calls} with index, id and name first and
 * the arguments in pieces after, a chunk with the {@code finish_reason}, a usage chunk when {@code
 * stream_options.include_usage} asks for one, then {@code data: [DONE]}). {@code GET /v1/models}
 * lists models. {@code POST /v1/audio/transcriptions} takes a multipart upload and answers the
 * {@link #transcript(String) set transcript}. Errors carry OpenAI's body {@code {"error":{"message","type","param","code"}}}.
 *
 * <p>Like the real API it refuses, with 400 {@code invalid_request_error}, requests that break the
 * wire format: no model, no messages, unknown roles, a {@code tool} message that answers no {@code
 * tool_calls} id of an earlier assistant message, an assistant's tool call left without a {@code
 * tool} message, tool names outside {@code ^[a-zA-Z0-9_-]{1,64}$}, {@code stream_options} without
 * {@code stream}. With {@link #requireApiKey(String)} it also answers 401 {@code invalid_api_key}
 * to a wrong or missing {@code Authorization: Bearer} key. A refused chat request still uses up the
 * scripted reply it would have got (the base class takes the reply before rendering).
 */
public class FakeOpenAiServer extends FakeLlmServer {

    /** The models {@code GET /v1/models} lists unless a test sets others. */
    public static final List<String> DEFAULT_MODELS = List.of("gpt-4o", "gpt-4o-mini", "gpt-4.1");

    private static final Pattern TOOL_NAME = Pattern.compile("^[a-zA-Z0-9_-]{1,64}$");
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Text pieces of a streamed answer are at most this many code points long. */
    private static final int TEXT_PIECE = 4;
    /** Argument pieces of a streamed tool call are at most this many code points long. */
    private static final int ARGUMENT_PIECE = 7;

    private final SecureRandom random = new SecureRandom();
    private final List<String> models = new CopyOnWriteArrayList<>(DEFAULT_MODELS);
    private volatile String requiredKey;
    /** The body of the previous chat request, what the fake's prompt cache holds. */
    private final AtomicReference<String> lastPrompt = new AtomicReference<>();
    private final AtomicReference<String> transcript = new AtomicReference<>("");
    private final List<Transcription> transcriptions = new CopyOnWriteArrayList<>();

    /** Starts the fake on 127.0.0.1 with an ephemeral port. */
    public FakeOpenAiServer() {
        super();
    }

    /**
     * Starts the fake on 127.0.0.1.
     *
     * @param port the port, or 0 for an ephemeral one
     */
    public FakeOpenAiServer(int port) {
        super(port);
    }

    /** Sets the model ids {@code GET /v1/models} lists, in this order. */
    public FakeOpenAiServer models(String... ids) {
        models.clear();
        models.addAll(List.of(ids));
        return this;
    }

    /**
     * Makes the fake answer 401 {@code invalid_api_key} unless a request carries {@code
     * Authorization: Bearer <key>}, as the real API does. By default any key, or none, is accepted
     * (as Ollama does).
     *
     * @param key the key to require, or {@code null} to accept any
     */
    public FakeOpenAiServer requireApiKey(String key) {
        this.requiredKey = key;
        return this;
    }

    @Override
    protected boolean isChatRequest(RecordedRequest request) {
        return request.method().equals("POST") && request.path().equals("/v1/chat/completions");
    }

    /**
     * A recording received by {@code POST /v1/audio/transcriptions}.
     *
     * @param model the {@code model} field
     * @param fileName the file name of the {@code file} part
     * @param contentType the content type of the {@code file} part
     * @param audio the recording's bytes
     */
    public record Transcription(String model, String fileName, String contentType, byte[] audio) {}

    /** Sets what {@code POST /v1/audio/transcriptions} answers every recording with. */
    public FakeOpenAiServer transcript(String text) {
        transcript.set(text);
        return this;
    }

    /** @return the recordings transcribed, in order */
    public List<Transcription> transcriptions() {
        return List.copyOf(transcriptions);
    }

    @Override
    protected void handleOther(HttpExchange exchange, RecordedRequest request) throws IOException {
        if (request.method().equals("POST") && request.path().equals("/v1/audio/transcriptions")) {
            if (!refuseKey(exchange, request)) {
                transcribe(exchange, request);
            }
            return;
        }
        if (!request.method().equals("GET") || !request.path().equals("/v1/models")) {
            OpenAiWire.sendUnknownUrl(exchange, request.method(), request.path());
            return;
        }
        if (refuseKey(exchange, request)) {
            return;
        }
        OpenAiWire.sendModelList(exchange, models);
    }

    /**
     * Speech to text as OpenAI's endpoint takes it: {@code multipart/form-data} with a {@code file}
     * part whose name has a supported extension and a {@code model} field; the answer is {@code
     * {"text": …}} ({@code response_format} json, the default) or the bare text ({@code text}).
     */
    private void transcribe(HttpExchange exchange, RecordedRequest request) throws IOException {
        String type = String.valueOf(request.header("content-type"));
        if (!type.toLowerCase(java.util.Locale.ROOT).startsWith("multipart/form-data")) {
            OpenAiWire.sendError(exchange, 400, "invalid_request_error", null,
                    "Invalid Content-Type header (" + type + "), expected multipart/form-data.");
            return;
        }
        ObjectNode params = JSON.createObjectNode();
        java.util.Map<String, byte[]> files = new java.util.HashMap<>();
        java.util.Map<String, String[]> described = new java.util.HashMap<>();
        try {
            Multipart.parse(type, request.bytes(), params, files, described);
        } catch (IllegalArgumentException e) {
            OpenAiWire.sendError(exchange, 400, "invalid_request_error", null, "Could not parse multipart form: " + e.getMessage());
            return;
        }
        if (!params.path("model").isTextual() || params.path("model").asText().isBlank()) {
            OpenAiWire.sendError(exchange, 400, "invalid_request_error", "model", "you must provide a model parameter");
            return;
        }
        byte[] audio = files.get("file");
        if (audio == null) {
            OpenAiWire.sendError(exchange, 400, "invalid_request_error", "file", "you must provide a file parameter");
            return;
        }
        String fileName = described.get("file")[0];
        String extension = fileName.contains(".") ? fileName.substring(fileName.lastIndexOf('.') + 1).toLowerCase(java.util.Locale.ROOT) : "";
        if (!Set.of("flac", "m4a", "mp3", "mp4", "mpeg", "mpga", "oga", "ogg", "wav", "webm").contains(extension)) {
            OpenAiWire.sendError(exchange, 400, "invalid_request_error", null, "Invalid file format. Supported formats: "
                    + "['flac', 'm4a', 'mp3', 'mp4', 'mpeg', 'mpga', 'oga', 'ogg', 'wav', 'webm']");
            return;
        }
        transcriptions.add(new Transcription(params.path("model").asText(), fileName, described.get("file")[1], audio));
        String format = params.path("response_format").asText("json");
        if (format.equals("text")) {
            respond(exchange, 200, "text/plain; charset=utf-8", transcript.get());
        } else {
            respond(exchange, 200, "application/json", JSON.createObjectNode().put("text", transcript.get()).toString());
        }
    }

    @Override
    protected boolean refuse(HttpExchange exchange, RecordedRequest request) throws IOException {
        if (refuseKey(exchange, request)) {
            return true;
        }
        JsonNode body;
        try {
            body = JSON.readTree(request.body());
        } catch (JsonProcessingException e) {
            OpenAiWire.sendError(exchange, 400, "invalid_request_error", null,
                    "We could not parse the JSON body of your request.");
            return true;
        }
        String invalid = validate(body);
        if (invalid != null) {
            OpenAiWire.sendError(exchange, 400, "invalid_request_error", null, invalid);
            return true;
        }
        return false;
    }

    @Override
    protected void render(HttpExchange exchange, RecordedRequest request, FakeReply reply) throws IOException {
        JsonNode body = request.json();
        if (reply.kind() == FakeReply.Kind.ERROR) {
            OpenAiWire.sendError(exchange, reply.status(), errorType(reply.status()), errorCode(reply.status()), reply.text());
            return;
        }
        List<WireCall> calls = new ArrayList<>();
        for (FakeReply.Call call : reply.calls()) {
            calls.add(new WireCall("call_" + randomId(24), OpenAiWire.answerName(this, request, call.name()), call.arguments()));
        }
        String finishReason = calls.isEmpty() ? "stop" : "tool_calls";
        String model = body.path("model").asText();
        int promptTokens = Math.max(1, request.body().length() / 4);
        int cachedTokens = cachedTokens(request.body());
        int completionTokens = Math.max(1, (reply.text().length() + calls.toString().length()) / 4);
        String id = "chatcmpl-" + randomId(29);
        long created = System.currentTimeMillis() / 1000;
        if (body.path("stream").asBoolean(false)) {
            boolean includeUsage = body.path("stream_options").path("include_usage").asBoolean(false);
            Chunks chunks = new Chunks(id, created, model, includeUsage);
            stream(exchange, chunks, reply.text(), calls, finishReason, usage(promptTokens, completionTokens, cachedTokens));
            return;
        }
        ObjectNode completion = JSON.createObjectNode();
        completion.put("id", id);
        completion.put("object", "chat.completion");
        completion.put("created", created);
        completion.put("model", model);
        ObjectNode choice = completion.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        if (reply.text().isEmpty() && !calls.isEmpty()) {
            message.putNull("content");
        } else {
            message.put("content", reply.text());
        }
        message.putNull("refusal");
        if (!calls.isEmpty()) {
            ArrayNode toolCalls = message.putArray("tool_calls");
            for (WireCall call : calls) {
                ObjectNode toolCall = toolCalls.addObject();
                toolCall.put("id", call.id());
                toolCall.put("type", "function");
                toolCall.putObject("function").put("name", call.name()).put("arguments", call.arguments());
            }
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        completion.set("usage", usage(promptTokens, completionTokens, cachedTokens));
        completion.put("system_fingerprint", "fp_openpista_fake");
        respond(exchange, 200, "application/json", completion.toString());
    }

    @Override
    protected List<WireTurn> turns(JsonNode body) {
        List<WireTurn> turns = new ArrayList<>();
        for (JsonNode message : body.path("messages")) {
            String role = message.path("role").asText();
            if (role.equals("developer")) {
                role = "system";
            }
            turns.add(new WireTurn(role, text(message.path("content")), message.path("tool_calls").size()));
        }
        return turns;
    }

    @Override
    protected List<String> offeredToolNames(JsonNode body) {
        List<String> names = new ArrayList<>();
        for (JsonNode tool : body.path("tools")) {
            names.add(tool.path("function").path("name").asText());
        }
        for (JsonNode function : body.path("functions")) {
            names.add(function.path("name").asText());
        }
        return names;
    }

    /**
     * Checks what the real Chat Completions API checks before it runs the model.
     *
     * @return the reason to refuse the request, or {@code null} when it is valid
     */
    static String validate(JsonNode body) {
        if (!body.isObject()) {
            return "The request body must be a JSON object.";
        }
        if (!body.path("model").isTextual() || body.path("model").asText().isEmpty()) {
            return "you must provide a model parameter";
        }
        if (body.has("stream_options") && !body.path("stream").asBoolean(false)) {
            return "The 'stream_options' parameter is only allowed when 'stream' is enabled.";
        }
        String tools = validateTools(body.path("tools"));
        if (tools != null) {
            return tools;
        }
        JsonNode messages = body.path("messages");
        if (!messages.isArray()) {
            return "Missing required parameter: 'messages'.";
        }
        if (messages.isEmpty()) {
            return "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.";
        }
        Set<String> pending = new LinkedHashSet<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            String at = "messages[" + i + "]";
            String role = message.path("role").asText();
            if (!ROLES.contains(role)) {
                return "Invalid value: '" + role + "'. Supported values are: 'system', 'assistant', 'user', 'tool', and 'developer'.";
            }
            if (!role.equals("tool") && !pending.isEmpty()) {
                return "An assistant message with 'tool_calls' must be followed by tool messages responding to each"
                        + " 'tool_call_id'. The following tool_call_ids did not have response messages: "
                        + String.join(", ", pending);
            }
            JsonNode content = message.path("content");
            switch (role) {
                case "assistant":
                    JsonNode calls = message.path("tool_calls");
                    if (!calls.isMissingNode() && !calls.isArray()) {
                        return "Invalid type for '" + at + ".tool_calls': expected an array.";
                    }
                    if ((content.isMissingNode() || content.isNull()) && calls.isEmpty()) {
                        return "Invalid value for '" + at + ".content': expected content or tool_calls.";
                    }
                    for (int c = 0; c < calls.size(); c++) {
                        JsonNode call = calls.get(c);
                        String callAt = at + ".tool_calls[" + c + "]";
                        if (!call.path("id").isTextual() || call.path("id").asText().isEmpty()) {
                            return "Missing required parameter: '" + callAt + ".id'.";
                        }
                        if (!call.path("type").asText().equals("function")) {
                            return "Invalid value for '" + callAt + ".type': expected 'function'.";
                        }
                        if (!call.path("function").path("name").isTextual()) {
                            return "Missing required parameter: '" + callAt + ".function.name'.";
                        }
                        if (!call.path("function").path("arguments").isTextual()) {
                            return "Invalid type for '" + callAt + ".function.arguments': expected a string.";
                        }
                        pending.add(call.path("id").asText());
                        seen.add(call.path("id").asText());
                    }
                    break;
                case "tool":
                    String id = message.path("tool_call_id").asText();
                    if (id.isEmpty()) {
                        return "Missing required parameter: '" + at + ".tool_call_id'.";
                    }
                    if (!seen.contains(id) || !pending.remove(id)) {
                        return "Invalid parameter: messages with role 'tool' must be a response to a preceeding"
                                + " message with 'tool_calls'.";
                    }
                    if (!content.isTextual() && !content.isArray()) {
                        return "Invalid type for '" + at + ".content': expected one of a string or array of objects.";
                    }
                    break;
                default:
                    if (!content.isTextual() && !content.isArray()) {
                        return "Invalid type for '" + at + ".content': expected one of a string or array of objects.";
                    }
                    for (int p = 0; p < content.size(); p++) {
                        String problem = validatePart(content.get(p), role, at + ".content[" + p + "]");
                        if (problem != null) {
                            return problem;
                        }
                    }
            }
        }
        if (!pending.isEmpty()) {
            return "An assistant message with 'tool_calls' must be followed by tool messages responding to each"
                    + " 'tool_call_id'. The following tool_call_ids did not have response messages: "
                    + String.join(", ", pending);
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
            String at = "tools[" + i + "]";
            if (!tool.path("type").asText().equals("function")) {
                return "Invalid value for '" + at + ".type': expected 'function'.";
            }
            String name = tool.path("function").path("name").asText();
            if (!TOOL_NAME.matcher(name).matches()) {
                return "Invalid '" + at + ".function.name': string does not match pattern. Expected a string that"
                        + " matches the pattern '^[a-zA-Z0-9_-]+$'.";
            }
            if (!names.add(name)) {
                return "Invalid 'tools': duplicate function name '" + name + "'.";
            }
            JsonNode parameters = tool.path("function").path("parameters");
            if (!parameters.isMissingNode() && !parameters.isObject()) {
                return "Invalid type for '" + at + ".function.parameters': expected an object.";
            }
        }
        return null;
    }

    /** Answers 401 when a key is required and the request lacks it; @return whether it did. */
    private boolean refuseKey(HttpExchange exchange, RecordedRequest request) throws IOException {
        String key = requiredKey;
        if (key == null) {
            return false;
        }
        String authorization = request.header("authorization");
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            OpenAiWire.sendError(exchange, 401, "invalid_request_error", null,
                    "You didn't provide an API key. You need to provide your API key in an Authorization header using"
                            + " Bearer auth (i.e. Authorization: Bearer YOUR_KEY).");
            return true;
        }
        String given = authorization.substring("Bearer ".length());
        if (!given.equals(key)) {
            // the real API shows the start and end of the wrong key; clients must not repeat it
            String shown = given.length() <= 8 ? given : given.substring(0, 3) + "*****" + given.substring(given.length() - 4);
            OpenAiWire.sendError(exchange, 401, "invalid_request_error", "invalid_api_key",
                    "Incorrect API key provided: " + shown + ". You can find your API key at"
                            + " https://platform.openai.com/account/api-keys.");
            return true;
        }
        return false;
    }

    private void stream(
            HttpExchange exchange, Chunks chunks, String text, List<WireCall> calls, String finishReason, ObjectNode usage)
            throws IOException {
        OutputStream out = startSse(exchange);
        ObjectNode first = JSON.createObjectNode().put("role", "assistant");
        if (calls.isEmpty() || !text.isEmpty()) {
            first.put("content", "");
        } else {
            first.putNull("content");
        }
        first.putNull("refusal");
        sse(out, null, chunks.delta(first, null).toString());
        for (String piece : OpenAiWire.pieces(text, TEXT_PIECE)) {
            sse(out, null, chunks.delta(JSON.createObjectNode().put("content", piece), null).toString());
        }
        for (int index = 0; index < calls.size(); index++) {
            WireCall call = calls.get(index);
            ObjectNode opening = JSON.createObjectNode();
            ObjectNode toolCall = opening.putArray("tool_calls").addObject();
            toolCall.put("index", index).put("id", call.id()).put("type", "function");
            toolCall.putObject("function").put("name", call.name()).put("arguments", "");
            sse(out, null, chunks.delta(opening, null).toString());
            for (String piece : OpenAiWire.pieces(call.arguments(), ARGUMENT_PIECE)) {
                ObjectNode more = JSON.createObjectNode();
                more.putArray("tool_calls").addObject().put("index", index).putObject("function").put("arguments", piece);
                sse(out, null, chunks.delta(more, null).toString());
            }
        }
        sse(out, null, chunks.delta(JSON.createObjectNode(), finishReason).toString());
        if (chunks.includeUsage()) {
            ObjectNode last = chunks.base();
            last.putArray("choices");
            last.set("usage", usage);
            sse(out, null, last.toString());
        }
        sse(out, null, "[DONE]");
    }

    private static ObjectNode usage(int promptTokens, int completionTokens, int cachedTokens) {
        ObjectNode usage = JSON.createObjectNode()
                .put("prompt_tokens", promptTokens)
                .put("completion_tokens", completionTokens)
                .put("total_tokens", promptTokens + completionTokens);
        usage.putObject("prompt_tokens_details").put("cached_tokens", cachedTokens);
        return usage;
    }

    /**
     * The prompt cache as the real API reports it: the part of a prompt that repeats the start of
     * the previous one is "cached" (here: the common prefix of the request bodies, at four
     * characters a token), so a prompt that changes early (a reordered tool list) gets no hits.
     */
    private int cachedTokens(String body) {
        String previous = lastPrompt.getAndSet(body);
        if (previous == null) {
            return 0;
        }
        int common = 0;
        int max = Math.min(previous.length(), body.length());
        while (common < max && previous.charAt(common) == body.charAt(common)) {
            common++;
        }
        return common / 4;
    }


    private static String errorType(int status) {
        if (status == 429) {
            return "requests";
        }
        if (status >= 500) {
            return "server_error";
        }
        return "invalid_request_error";
    }

    private static String errorCode(int status) {
        switch (status) {
            case 401:
                return "invalid_api_key";
            case 404:
                return "model_not_found";
            case 429:
                return "rate_limit_exceeded";
            default:
                return null;
        }
    }

    /** A content part of a system or user message: text, or (user only) an image by URL or base64 data URL. */
    private static String validatePart(JsonNode part, String role, String at) {
        String type = part.path("type").asText();
        if (type.equals("text")) {
            return part.path("text").isTextual() ? null : "Missing required parameter: '" + at + ".text'.";
        }
        if (type.equals("image_url") && role.equals("user")) {
            String url = part.path("image_url").path("url").asText("");
            return ImageData.validUrl(url) ? null : "Invalid image URL: '" + at + ".image_url.url'. Expected a base64-encoded"
                    + " data URL with an image MIME type (e.g. 'data:image/png;base64,...'), got '"
                    + (url.length() > 40 ? url.substring(0, 40) + "…" : url) + "'.";
        }
        return "Invalid value: '" + type + "'. Supported values are: 'text' and 'image_url'. (at " + at + ".type)";
    }

    private static String text(JsonNode content) {
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : content) {
            if (part.path("type").asText().equals("text")) {
                text.append(part.path("text").asText());
            }
        }
        return text.toString();
    }

    private String randomId(int length) {
        return OpenAiWire.randomId(random, ALPHABET, length);
    }

    /** A tool call as the fake sends it. */
    private record WireCall(String id, String name, String arguments) {}

    /** Builds the chunks of one streamed answer, which share id, creation time and model. */
    private record Chunks(String id, long created, String model, boolean includeUsage) {

        ObjectNode base() {
            ObjectNode chunk = JSON.createObjectNode();
            chunk.put("id", id);
            chunk.put("object", "chat.completion.chunk");
            chunk.put("created", created);
            chunk.put("model", model);
            chunk.put("system_fingerprint", "fp_openpista_fake");
            return chunk;
        }

        ObjectNode delta(ObjectNode delta, String finishReason) {
            ObjectNode chunk = base();
            ObjectNode choice = chunk.putArray("choices").addObject();
            choice.put("index", 0);
            choice.set("delta", delta);
            choice.putNull("logprobs");
            if (finishReason == null) {
                choice.putNull("finish_reason");
            } else {
                choice.put("finish_reason", finishReason);
            }
            if (includeUsage) {
                // with include_usage every chunk but the last carries "usage": null
                chunk.putNull("usage");
            }
            return chunk;
        }
    }
}
