package org.openpista.provider.anthropic.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * Reads the server-sent events of a streamed answer: forwards text deltas to the listener as they
 * come, assembles each {@code tool_use} input from its {@code input_json_delta} pieces, and builds
 * the complete answer once {@code message_stop} arrives.
 *
 * <p>Event types it does not know (new ones may appear, per Anthropic's versioning policy) and
 * {@code ping} are skipped. Text blocks after the first are joined with a newline, sent to the
 * listener too, so the streamed text equals the final text.
 */
final class StreamReader implements EventReader {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One content block while it streams in. */
    private static final class Block {
        final String type;
        final String id;
        final String name;
        final StringBuilder text = new StringBuilder();
        final JsonNode initialInput;

        Block(String type, String id, String name, JsonNode initialInput) {
            this.type = type;
            this.id = id;
            this.name = name;
            this.initialInput = initialInput;
        }
    }

    private final ToolNames names;
    private final StreamListener listener;
    private final Failures failures;

    private final Map<Integer, Block> blocks = new TreeMap<>();
    private final StringBuilder text = new StringBuilder();
    private boolean forwarded;
    private boolean started;
    private boolean stopped;
    private String model = "";
    private String stopReason = "";
    private JsonNode startUsage = JSON.createObjectNode();
    private JsonNode finalUsage = JSON.createObjectNode();

    StreamReader(ToolNames names, StreamListener listener, Failures failures) {
        this.names = names;
        this.listener = listener;
        this.failures = failures;
    }

    /** @return whether {@code message_stop} arrived */
    @Override
    public boolean finished() {
        return stopped;
    }

    @Override
    public boolean forwardedText() {
        return forwarded;
    }

    /**
     * @return the complete answer
     * @throws ProviderException MALFORMED_RESPONSE when the stream ended early
     */
    ChatResponse response() throws ProviderException {
        if (!started) {
            throw failures.malformed("the event stream ended without message_start", null);
        }
        if (!stopped) {
            throw failures.malformed("the event stream ended before message_stop", null);
        }
        List<ToolCall> calls = new ArrayList<>();
        for (Block block : blocks.values()) {
            if (block.type.equals("tool_use")) {
                calls.add(toolCall(block));
            }
        }
        Usage start = MessageParser.usage(startUsage, 0);
        Usage end = MessageParser.usage(finalUsage, start.outputTokens());
        // message_delta carries the final output count; input counts come with message_start
        // message_start has the prompt's counts; message_delta repeats them (newer API versions) or not
        Usage prompt = end.inputTokens() > 0 ? end : start;
        Usage usage = new Usage(prompt.inputTokens(), end.outputTokens(), prompt.cacheReadTokens(), prompt.cacheWriteTokens());
        return new ChatResponse(text.toString(), calls, usage, stopReason, model, null);
    }

    /**
     * Takes the next event of the stream.
     *
     * @throws ProviderException MALFORMED_RESPONSE for events that break the protocol, or the
     *     failure an {@code error} event reports
     */
    @Override
    public void event(String name, String payload) throws ProviderException {
        JsonNode event;
        try {
            event = JSON.readTree(payload);
        } catch (IOException e) {
            throw failures.malformed("an event of the stream is not JSON", e);
        }
        if (event == null || !event.isObject()) {
            throw failures.malformed("an event of the stream is not a JSON object", null);
        }
        String type = event.path("type").asText(name);
        switch (type) {
            case "message_start" -> {
                started = true;
                JsonNode message = event.path("message");
                model = message.path("model").asText("");
                startUsage = message.path("usage");
            }
            case "content_block_start" -> {
                JsonNode block = event.path("content_block");
                blocks.put(index(event), new Block(block.path("type").asText(""), block.path("id").asText(""),
                        block.path("name").asText(""), block.path("input")));
            }
            case "content_block_delta" -> delta(event);
            case "content_block_stop" -> {
                Block block = blocks.get(index(event));
                if (block != null && block.type.equals("tool_use")) {
                    toolCall(block); // fail early on a broken input
                }
            }
            case "message_delta" -> {
                String reason = event.path("delta").path("stop_reason").asText("");
                if (!reason.isEmpty()) {
                    stopReason = reason;
                }
                if (event.has("usage")) {
                    finalUsage = event.path("usage");
                }
            }
            case "message_stop" -> stopped = true;
            case "error" -> throw failures.streamError(event);
            default -> {
                // ping and event types added after this was written
            }
        }
    }

    private void delta(JsonNode event) throws ProviderException {
        Block block = blocks.get(index(event));
        if (block == null) {
            throw failures.malformed("a content_block_delta for a block that never started", null);
        }
        JsonNode delta = event.path("delta");
        switch (delta.path("type").asText("")) {
            case "text_delta" -> {
                String piece = delta.path("text").asText("");
                if (piece.isEmpty()) {
                    return;
                }
                if (block.text.length() == 0 && text.length() > 0) {
                    forward("\n");
                }
                block.text.append(piece);
                forward(piece);
            }
            case "input_json_delta" -> block.text.append(delta.path("partial_json").asText(""));
            default -> {
                // thinking, signature and citation deltas carry nothing openpista uses
            }
        }
    }

    private void forward(String piece) {
        text.append(piece);
        forwarded = true;
        listener.onTextDelta(piece);
    }

    private ToolCall toolCall(Block block) throws ProviderException {
        JsonNode input = block.initialInput;
        if (!block.text.toString().isBlank()) {
            try {
                input = JSON.readTree(block.text.toString());
            } catch (IOException e) {
                throw failures.malformed("the streamed input of tool_use " + block.id + " is not valid JSON", e);
            }
        }
        // rebuild the complete block so streamed and non-streamed answers share one reader
        ObjectNode complete = JSON.createObjectNode();
        complete.put("type", "tool_use");
        complete.put("id", block.id);
        complete.put("name", block.name);
        if (input != null && !input.isMissingNode()) {
            complete.set("input", input);
        }
        return MessageParser.toolCall(complete, names, failures);
    }

    private int index(JsonNode event) throws ProviderException {
        if (!event.path("index").canConvertToInt()) {
            throw failures.malformed(event.path("type").asText() + " without index", null);
        }
        return event.path("index").asInt();
    }
}
