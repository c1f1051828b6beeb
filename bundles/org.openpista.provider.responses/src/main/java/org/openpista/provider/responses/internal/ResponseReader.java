package org.openpista.provider.responses.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
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
 * Reads an answer of the Responses API: a streamed one event by event (text deltas go to the
 * listener as they come; the finished output items and the final {@code response.completed}
 * object make the answer), or a plain JSON {@code response} object. Event types it does not know
 * are skipped, as the API adds new ones over time.
 *
 * <p>The answer's reasoning items and the ids of its function call items become the {@code
 * providerData} of the assistant message ({@link RequestBody#PROVIDER_DATA}), so the next request
 * can send them back.
 */
final class ResponseReader implements EventReader {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ToolNames names;
    private final StreamListener listener;
    private final Failures failures;
    private final Map<Integer, JsonNode> items = new TreeMap<>();
    private final StringBuilder streamed = new StringBuilder();
    private JsonNode completed;
    private boolean forwarded;
    private boolean finished;

    ResponseReader(ToolNames names, StreamListener listener, Failures failures) {
        this.names = names;
        this.listener = listener;
        this.failures = failures;
    }

    /** @return the answer of a non-streamed request */
    static ChatResponse parse(String body, ToolNames names, Failures failures, String requestedModel) throws ProviderException {
        JsonNode response;
        try {
            response = JSON.readTree(body);
        } catch (IOException e) {
            throw failures.malformed("the answer is not JSON", e);
        }
        if (response == null || !response.isObject() || !response.path("output").isArray()) {
            throw failures.malformed("the answer has no output array", null);
        }
        if (response.path("status").asText().equals("failed")) {
            throw failures.streamError(response.path("error"));
        }
        ResponseReader reader = new ResponseReader(names, StreamListener.IGNORE, failures);
        reader.completed = response;
        reader.finished = true;
        return reader.response(requestedModel);
    }

    @Override
    public boolean finished() {
        return finished;
    }

    @Override
    public boolean forwardedText() {
        return forwarded;
    }

    /** Takes one event of the stream; its {@code event:} name repeats the type inside the data. */
    @Override
    public void event(String name, String text) throws ProviderException {
        if (text.equals("[DONE]")) {
            return;
        }
        JsonNode event;
        try {
            event = JSON.readTree(text);
        } catch (IOException e) {
            throw failures.malformed("an event is not JSON", e);
        }
        switch (event.path("type").asText()) {
            case "response.output_text.delta" -> {
                String delta = event.path("delta").asText("");
                if (!delta.isEmpty()) {
                    streamed.append(delta);
                    forwarded = true;
                    listener.onTextDelta(delta);
                }
            }
            case "response.output_item.done" -> items.put(event.path("output_index").asInt(items.size()), event.path("item"));
            case "response.completed", "response.incomplete" -> {
                completed = event.path("response");
                finished = true;
            }
            case "response.failed" -> throw failures.streamError(event.path("response").path("error"));
            case "error" -> throw failures.streamError(event.path("error").isObject() ? event.path("error") : event);
            default -> {
                // created, in_progress, content parts, argument deltas, reasoning summaries: not needed
            }
        }
    }

    /** @return the complete answer */
    ChatResponse response(String requestedModel) throws ProviderException {
        if (!finished || completed == null) {
            throw failures.malformed("the event stream ended before response.completed", null);
        }
        List<JsonNode> output = new ArrayList<>();
        completed.path("output").forEach(output::add);
        if (output.isEmpty()) {
            output.addAll(items.values());
        }
        StringBuilder text = new StringBuilder();
        List<ToolCall> calls = new ArrayList<>();
        ArrayNode reasoning = JSON.createArrayNode();
        ObjectNode callIds = JSON.createObjectNode();
        for (JsonNode item : output) {
            switch (item.path("type").asText()) {
                case "message" -> {
                    for (JsonNode part : item.path("content")) {
                        if (part.path("type").asText().equals("output_text")) {
                            text.append(part.path("text").asText(""));
                        } else if (part.path("type").asText().equals("refusal")) {
                            text.append(part.path("refusal").asText(""));
                        }
                    }
                }
                case "function_call" -> {
                    String callId = item.path("call_id").asText("");
                    String name = item.path("name").asText("");
                    if (callId.isEmpty() || name.isEmpty()) {
                        throw failures.malformed("a function_call without call_id or name", null);
                    }
                    calls.add(new ToolCall(callId, names.original(name), item.path("arguments").asText("{}")));
                    if (!item.path("id").asText("").isEmpty()) {
                        callIds.put(callId, item.path("id").asText());
                    }
                }
                case "reasoning" -> reasoning.add(reasoningItem(item));
                default -> {
                    // web searches and other server-side tools are not offered
                }
            }
        }
        if (text.length() == 0 && streamed.length() > 0) {
            text.append(streamed);
        }
        String providerData = null;
        if (!reasoning.isEmpty()) {
            ObjectNode kept = JSON.createObjectNode();
            kept.put("format", RequestBody.PROVIDER_DATA);
            kept.set("reasoning", reasoning);
            kept.set("calls", callIds);
            providerData = kept.toString();
        }
        JsonNode usage = completed.path("usage");
        String status = completed.path("status").asText("completed");
        String stopReason = !calls.isEmpty() ? "tool_calls"
                : status.equals("incomplete") ? completed.path("incomplete_details").path("reason").asText("incomplete")
                : "stop";
        return new ChatResponse(text.toString(), calls,
                new Usage(usage.path("input_tokens").asLong(0), usage.path("output_tokens").asLong(0),
                        usage.path("input_tokens_details").path("cached_tokens").asLong(0), 0),
                stopReason,
                completed.path("model").asText(requestedModel), providerData);
    }

    /** @return the reasoning item as it must go back: id, summary and encrypted content, nothing else */
    private static JsonNode reasoningItem(JsonNode item) {
        ObjectNode kept = JSON.createObjectNode();
        kept.put("type", "reasoning");
        kept.put("id", item.path("id").asText(""));
        kept.set("summary", item.path("summary").isArray() ? item.path("summary") : JSON.createArrayNode());
        if (item.hasNonNull("encrypted_content")) {
            kept.put("encrypted_content", item.path("encrypted_content").asText());
        }
        return kept;
    }
}
