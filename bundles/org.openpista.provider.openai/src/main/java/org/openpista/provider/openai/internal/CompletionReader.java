package org.openpista.provider.openai.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.llm.ChatResponse;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.llm.StreamListener;
import org.openpista.api.llm.Usage;
import org.openpista.provider.support.EventReader;
import org.openpista.provider.support.ToolNames;

/**
 * Reads a Chat Completions answer: a streamed one chunk by chunk ({@code delta.content} goes to the
 * listener as it comes; {@code delta.tool_calls} are assembled by their index, id and name first,
 * the arguments in pieces; the {@code finish_reason} chunk, a usage chunk and {@code [DONE]} end
 * it), or a plain {@code chat.completion} object.
 *
 * <p>The {@code finish_reason} is passed on exactly as the server sent it, also values only
 * compatible servers use. A refusal ({@code message.refusal}) is the answer's text: for the agent it
 * is an answer, not a failure.
 */
final class CompletionReader implements EventReader {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One tool call while its pieces stream in. */
    private static final class Call {
        String id = "";
        String name = "";
        final StringBuilder arguments = new StringBuilder();
    }

    private final ToolNames names;
    private final StreamListener listener;
    private final Failures failures;
    private final String contentType;
    private final StringBuilder text = new StringBuilder();
    private final Map<Integer, Call> calls = new TreeMap<>();
    private String finishReason;
    private String model = "";
    private Usage usage = Usage.NONE;
    private boolean forwarded;
    private boolean done;

    /** @param contentType the answer's content type, named when it turns out to be no event stream */
    CompletionReader(ToolNames names, StreamListener listener, Failures failures, String contentType) {
        this.names = names;
        this.listener = listener;
        this.failures = failures;
        this.contentType = contentType;
    }

    /** @return the answer of a non-streamed request */
    static ChatResponse parse(String body, ToolNames names, Failures failures, String requestedModel) throws ProviderException {
        JsonNode completion = json(body, failures);
        JsonNode choice = completion.path("choices").path(0);
        JsonNode message = choice.path("message");
        if (!message.isObject()) {
            throw failures.malformed("the answer has no choices[0].message", null);
        }
        CompletionReader reader = new CompletionReader(names, StreamListener.IGNORE, failures, "application/json");
        reader.take(completion);
        reader.text.append(message.path("content").asText(""));
        if (reader.text.length() == 0) {
            reader.text.append(message.path("refusal").asText(""));
        }
        JsonNode wireCalls = message.path("tool_calls");
        for (int i = 0; i < wireCalls.size(); i++) {
            reader.call(i, wireCalls.get(i));
        }
        String reason = text(choice.path("finish_reason"));
        if (reason == null && reader.calls.isEmpty() && !message.path("content").isTextual()) {
            throw failures.malformed("the answer has no message and no finish_reason", null);
        }
        // a complete answer without finish_reason is accepted, unlike a stream, which may have been cut off
        reader.finishReason = reason == null ? "" : reason;
        return reader.response(requestedModel);
    }

    /** @return whether {@code data: [DONE]} arrived */
    @Override
    public boolean finished() {
        return done;
    }

    @Override
    public boolean forwardedText() {
        return forwarded;
    }

    /** Takes one chunk of the stream. */
    @Override
    public void event(String name, String data) throws ProviderException {
        if (data.strip().equals("[DONE]")) {
            done = true;
            return;
        }
        Chunk chunk = Chunk.parse(data, JSON, failures);
        if (chunk.error() != null) {
            throw failures.streamError(chunk.error());
        }
        model(chunk.model());
        usage(chunk.usage());
        String piece = chunk.content().isEmpty() ? chunk.refusal() : chunk.content();
        if (!piece.isEmpty()) {
            text.append(piece);
            forwarded = true;
            listener.onTextDelta(piece);
        }
        JsonNode wireCalls = chunk.toolCalls();
        for (int i = 0; wireCalls != null && i < wireCalls.size(); i++) {
            JsonNode wire = wireCalls.get(i);
            call(wire.path("index").asInt(i), wire);
        }
        if (chunk.finishReason() != null) {
            finishReason = chunk.finishReason();
        }
    }

    /**
     * @param requestedModel the model asked, used when the answer names none
     * @return the complete answer, tool names mapped back
     * @throws ProviderException when the stream ended without a {@code finish_reason}, so it was
     *     cut off, or was no chunk stream at all
     */
    ChatResponse response(String requestedModel) throws ProviderException {
        if (finishReason == null) {
            throw failures.malformed(contentType.startsWith("text/event-stream")
                    ? "the stream ended without a finish_reason"
                    : "a streamed answer was asked for, but the content type is " + (contentType.isEmpty() ? "none" : contentType),
                    null);
        }
        List<ToolCall> toolCalls = new ArrayList<>();
        int position = 0;
        for (Call call : calls.values()) {
            // some compatible servers leave the id out; the tool result still needs one to answer
            String id = call.id.isBlank() ? "call_" + position : call.id;
            toolCalls.add(new ToolCall(id, names.original(call.name), call.arguments.toString()));
            position++;
        }
        return new ChatResponse(text.toString(), toolCalls, usage, finishReason, model.isBlank() ? requestedModel : model, null);
    }

    /** Takes what a chunk or completion says about the whole answer: its model and token counts. */
    private void take(JsonNode json) {
        model(json.path("model").asText(""));
        usage(json.path("usage"));
    }

    private void model(String named) {
        if (!named.isBlank()) {
            model = named;
        }
    }

    private void usage(JsonNode counts) {
        if (counts != null && counts.isObject()) {
            // cached_tokens: the part of the prompt served from the prompt cache (writes are not reported)
            usage = new Usage(counts.path("prompt_tokens").asLong(0), counts.path("completion_tokens").asLong(0),
                    counts.path("prompt_tokens_details").path("cached_tokens").asLong(0), 0);
        }
    }

    private void call(int index, JsonNode wire) {
        Call call = calls.computeIfAbsent(index, key -> new Call());
        String id = wire.path("id").asText("");
        if (!id.isEmpty()) {
            call.id = id;
        }
        JsonNode function = wire.path("function");
        String name = function.path("name").asText("");
        if (!name.isEmpty()) {
            call.name = name;
        }
        call.arguments.append(function.path("arguments").asText(""));
    }

    private static JsonNode json(String text, Failures failures) throws ProviderException {
        JsonNode json;
        try {
            json = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw failures.malformed(e.getOriginalMessage(), e);
        }
        if (json == null || !json.isObject()) {
            throw failures.malformed("the answer is not a JSON object", null);
        }
        return json;
    }

    /** @return the text of a JSON string, or {@code null} for anything else or an empty string */
    private static String text(JsonNode node) {
        return node.isTextual() && !node.asText().isEmpty() ? node.asText() : null;
    }
}
