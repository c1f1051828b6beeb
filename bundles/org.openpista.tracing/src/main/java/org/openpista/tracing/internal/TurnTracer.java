package org.openpista.tracing.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.llm.ChatResponse;
import org.openpista.api.llm.Usage;
import org.openpista.api.observe.LlmRequestEvent;
import org.openpista.api.observe.Outcome;
import org.openpista.api.observe.ToolCallEvent;
import org.openpista.api.observe.TurnEndEvent;
import org.openpista.api.observe.TurnInfo;
import org.openpista.api.observe.TurnObserver;

/**
 * Turns the agent's events into spans with the OpenTelemetry GenAI semantic conventions: the turn
 * is the root span {@code invoke_agent openpista} (its trace id is the turn id), each model request
 * a client span {@code chat <model>}, each tool call a span {@code execute_tool <tool>}. The spans of
 * a turn are kept until it ends and then handed over as one OTLP/JSON request. Prompt text, answers,
 * tool arguments and results are left out unless {@code capture_content} is on.
 */
final class TurnTracer implements TurnObserver {

    private static final HexFormat HEX = HexFormat.of();

    private final ObjectMapper json = new ObjectMapper();
    private final Consumer<byte[]> export;
    private final boolean captureContent;
    private final String serviceName;
    private final Map<String, List<Span>> open = new ConcurrentHashMap<>();
    private final Map<String, String> roots = new ConcurrentHashMap<>();

    /**
     * @param export takes the OTLP/JSON body of each finished turn
     * @param captureContent whether prompts, answers and tool arguments and results go into the spans
     * @param serviceName the resource's {@code service.name}
     */
    TurnTracer(Consumer<byte[]> export, boolean captureContent, String serviceName) {
        this.export = export;
        this.captureContent = captureContent;
        this.serviceName = serviceName;
    }

    @Override
    public void turnStarted(TurnInfo turn) {
        open.put(turn.turnId(), new ArrayList<>());
        roots.put(turn.turnId(), spanId());
    }

    @Override
    public void llmRequest(TurnInfo turn, LlmRequestEvent request) {
        List<Span> spans = open.get(turn.turnId());
        if (spans == null) {
            return;
        }
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("gen_ai.operation.name", "chat");
        attributes.put("gen_ai.system", request.provider());
        attributes.put("gen_ai.request.model", request.model());
        ChatResponse response = request.response();
        if (response != null) {
            Usage usage = response.usage();
            attributes.put("gen_ai.response.model", response.model());
            attributes.put("gen_ai.response.finish_reasons", List.of(response.stopReason()));
            attributes.put("gen_ai.usage.input_tokens", usage.inputTokens());
            attributes.put("gen_ai.usage.output_tokens", usage.outputTokens());
            attributes.put("openpista.usage.cache_read_tokens", usage.cacheReadTokens());
            attributes.put("openpista.usage.cache_write_tokens", usage.cacheWriteTokens());
        } else {
            attributes.put("error.type", request.outcome() == Outcome.CANCELLED ? "cancelled" : "provider_error");
        }
        if (captureContent) {
            attributes.put("gen_ai.system_instructions", request.request().systemPrompt());
            attributes.put("gen_ai.input.messages", messages(request.request().messages()));
            if (response != null) {
                attributes.put("gen_ai.output.messages", answer(response));
            }
        }
        String error = response == null ? request.error() : null;
        synchronized (spans) {
            spans.add(new Span(spanId(), roots.get(turn.turnId()), "chat " + request.model(), Span.CLIENT,
                    request.startedAt(), request.durationNanos(), attributes, error));
        }
    }

    @Override
    public void toolCall(TurnInfo turn, ToolCallEvent call) {
        List<Span> spans = open.get(turn.turnId());
        if (spans == null) {
            return;
        }
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("gen_ai.operation.name", "execute_tool");
        attributes.put("gen_ai.tool.name", call.tool());
        attributes.put("gen_ai.tool.call.id", call.call().id());
        attributes.put("openpista.outcome", call.outcome().label());
        if (captureContent) {
            attributes.put("gen_ai.tool.call.arguments", call.call().arguments());
            if (call.result() != null) {
                attributes.put("gen_ai.tool.call.result", call.result().content());
            }
        }
        String error = call.outcome() == Outcome.ERROR ? "the tool returned an error"
                : call.outcome() == Outcome.DENIED ? "not run: refused by the approval policy or the owner" : null;
        if (error != null) {
            attributes.put("error.type", call.outcome().label());
        }
        synchronized (spans) {
            spans.add(new Span(spanId(), roots.get(turn.turnId()), "execute_tool " + call.tool(), Span.INTERNAL,
                    call.startedAt(), call.durationNanos(), attributes, error));
        }
    }

    @Override
    public void turnEnded(TurnInfo turn, TurnEndEvent end) {
        List<Span> spans = open.remove(turn.turnId());
        String root = roots.remove(turn.turnId());
        if (spans == null || root == null) {
            return;
        }
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("gen_ai.operation.name", "invoke_agent");
        attributes.put("gen_ai.agent.name", "openpista");
        attributes.put("gen_ai.conversation.id", turn.sessionId());
        attributes.put("gen_ai.system", turn.provider());
        attributes.put("openpista.channel", turn.channel());
        attributes.put("openpista.outcome", end.outcome().label());
        attributes.put("openpista.llm_requests", (long) end.llmRequests());
        attributes.put("openpista.tool_calls", (long) end.toolCalls());
        attributes.put("gen_ai.usage.input_tokens", end.usage().inputTokens());
        attributes.put("gen_ai.usage.output_tokens", end.usage().outputTokens());
        List<Span> all = new ArrayList<>();
        all.add(new Span(root, "", "invoke_agent openpista", Span.INTERNAL, turn.startedAt(), end.durationNanos(),
                attributes, end.outcome() == Outcome.ERROR ? "the turn ended with an error" : null));
        synchronized (spans) {
            all.addAll(spans);
        }
        export.accept(body(turn.turnId(), all));
    }

    /** @return the OTLP/JSON {@code ExportTraceServiceRequest} of one trace */
    byte[] body(String traceId, List<Span> spans) {
        ObjectNode request = json.createObjectNode();
        ObjectNode resourceSpans = request.putArray("resourceSpans").addObject();
        ArrayNode resource = resourceSpans.putObject("resource").putArray("attributes");
        attribute(resource, "service.name", serviceName);
        ObjectNode scopeSpans = resourceSpans.putArray("scopeSpans").addObject();
        scopeSpans.putObject("scope").put("name", "org.openpista.tracing");
        ArrayNode out = scopeSpans.putArray("spans");
        for (Span span : spans) {
            ObjectNode node = out.addObject();
            node.put("traceId", traceId);
            node.put("spanId", span.spanId());
            if (!span.parentSpanId().isEmpty()) {
                node.put("parentSpanId", span.parentSpanId());
            }
            node.put("name", span.name());
            node.put("kind", span.kind());
            // 64-bit integers are strings in OTLP/JSON
            node.put("startTimeUnixNano", Long.toString(span.startEpochNanos()));
            node.put("endTimeUnixNano", Long.toString(span.endEpochNanos()));
            ArrayNode attributes = node.putArray("attributes");
            span.attributes().forEach((key, value) -> attribute(attributes, key, value));
            ObjectNode status = node.putObject("status");
            if (span.error() != null) {
                status.put("code", 2).put("message", span.error());
            } else {
                status.put("code", 1);
            }
        }
        try {
            return json.writeValueAsBytes(request);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("plain values cannot fail to serialize", e);
        }
    }

    private static void attribute(ArrayNode attributes, String key, Object value) {
        ObjectNode attribute = attributes.addObject().put("key", key);
        ObjectNode any = attribute.putObject("value");
        if (value instanceof Long number) {
            any.put("intValue", Long.toString(number));
        } else if (value instanceof Boolean flag) {
            any.put("boolValue", flag);
        } else if (value instanceof List<?> list) {
            ArrayNode values = any.putObject("arrayValue").putArray("values");
            list.forEach(item -> values.addObject().put("stringValue", String.valueOf(item)));
        } else {
            any.put("stringValue", value == null ? "" : value.toString());
        }
    }

    private String messages(List<ChatMessage> messages) {
        ArrayNode list = json.createArrayNode();
        for (ChatMessage message : messages) {
            ObjectNode node = list.addObject().put("role", message.role().name().toLowerCase(java.util.Locale.ROOT));
            node.put("content", message.content());
        }
        return list.toString();
    }

    private String answer(ChatResponse response) {
        ObjectNode node = json.createObjectNode().put("role", "assistant").put("content", response.text());
        ArrayNode calls = node.putArray("tool_calls");
        for (ToolCall call : response.toolCalls()) {
            calls.addObject().put("id", call.id()).put("name", call.name()).put("arguments", call.arguments());
        }
        return json.createArrayNode().add(node).toString();
    }

    private static String spanId() {
        long id;
        do {
            id = ThreadLocalRandom.current().nextLong();
        } while (id == 0);
        return HEX.toHexDigits(id);
    }
}
