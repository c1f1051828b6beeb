package org.openpista.mcp.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.openpista.api.approval.ApprovalDecision;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.tool.ToolContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Elicitation and sampling through the owner of the turn: the server's question is shown in the
 * channel's approval UI as {@code mcp.<server>.elicitation} (or {@code .sampling}) with the server's
 * message; allowing it accepts the form with the defaults the server gave (the approval UI has no
 * form fields), denying it declines. Sampling is refused with the reason unless the server's table
 * says {@code sampling = true}; then an allowed request goes to openpista's model.
 */
final class OwnerQuestionsBridge implements OwnerBridge {

    private static final Logger LOG = LoggerFactory.getLogger(OwnerQuestionsBridge.class);

    /** Completes a sampling request with openpista's model. */
    @FunctionalInterface
    interface Sampler {
        /** @return the model's text answer */
        String complete(String systemPrompt, List<ChatMessage> messages, int maxTokens) throws Exception;
    }

    private final ObjectMapper mapper;
    private final Sampler sampler;
    private final AtomicLong ids = new AtomicLong();

    OwnerQuestionsBridge(ObjectMapper mapper, Sampler sampler) {
        this.mapper = mapper;
        this.sampler = sampler;
    }

    @Override
    public Mono<McpSchema.ElicitResult> elicit(ServerConfig server, McpSchema.ElicitFormRequest request, ToolContext call) {
        if (call == null) {
            LOG.info("MCP server {} asked the user outside a tool call; declined: {}", server.name(), request.message());
            return Mono.just(new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.DECLINE, null));
        }
        Map<String, Object> shown = new LinkedHashMap<>();
        shown.put("server", server.name());
        shown.put("message", request.message());
        Map<String, Object> defaults = defaults(request.requestedSchema());
        if (!defaults.isEmpty()) {
            shown.put("answers_if_allowed", defaults);
        }
        return ask(call, server, "elicitation", shown).map(decision -> decision.allows()
                ? new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.ACCEPT, defaults)
                : new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.DECLINE, null))
                .onErrorResume(error -> Mono.just(new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.DECLINE, null)));
    }

    @Override
    public Mono<McpSchema.CreateMessageResult> sample(ServerConfig server, McpSchema.CreateMessageRequest request,
            ToolContext call) {
        if (!server.sampling()) {
            return Mono.error(refusal("openpista does not let the MCP server " + server.name() + " use its model (sampling);"
                    + " [mcp.servers." + server.name() + "] sampling = true allows it, each request asked of the owner"));
        }
        if (call == null) {
            return Mono.error(refusal("openpista answers sampling requests only during a call of one of the server's tools,"
                    + " where its owner can be asked"));
        }
        List<ChatMessage> messages = new ArrayList<>();
        for (McpSchema.SamplingMessage message : request.messages()) {
            String text = message.content() instanceof McpSchema.TextContent textual ? textual.text() : "[non-text content]";
            messages.add(message.role() == McpSchema.Role.ASSISTANT ? ChatMessage.assistant(text) : ChatMessage.user(text));
        }
        Map<String, Object> shown = new LinkedHashMap<>();
        shown.put("server", server.name());
        shown.put("system_prompt", request.systemPrompt() == null ? "" : request.systemPrompt());
        shown.put("messages", messages.stream().map(ChatMessage::content).toList());
        int maxTokens = request.maxTokens() == null ? 1000 : request.maxTokens();
        return ask(call, server, "sampling", shown).flatMap(decision -> {
            if (!decision.allows()) {
                return Mono.error(refusal("the owner refused the sampling request"));
            }
            return Mono.fromCallable(() -> sampler.complete(request.systemPrompt(), messages, maxTokens))
                    .map(text -> new McpSchema.CreateMessageResult(McpSchema.Role.ASSISTANT, McpSchema.TextContent.builder(text).build(),
                            "openpista", McpSchema.CreateMessageResult.StopReason.END_TURN))
                    .onErrorMap(error -> !(error instanceof McpError), error -> refusal("the model failed: "
                            + ServerConnection.reason(error)));
        });
    }

    private Mono<ApprovalDecision> ask(ToolContext call, ServerConfig server, String what, Map<String, Object> shown) {
        String arguments;
        try {
            arguments = mapper.writeValueAsString(shown);
        } catch (JsonProcessingException e) {
            arguments = "{}";
        }
        ToolCall question = new ToolCall("mcp-" + what + "-" + ids.incrementAndGet(), "mcp." + server.name() + "." + what,
                arguments);
        return Mono.fromFuture(() -> call.owner().ask(question).toCompletableFuture());
    }

    /** @return the defaults the form's schema gives, by field */
    static Map<String, Object> defaults(Map<String, Object> schema) {
        Map<String, Object> defaults = new LinkedHashMap<>();
        if (schema != null && schema.get("properties") instanceof Map<?, ?> properties) {
            properties.forEach((name, field) -> {
                if (field instanceof Map<?, ?> definition && definition.containsKey("default")) {
                    defaults.put(String.valueOf(name), definition.get("default"));
                }
            });
        }
        return defaults;
    }

    private static McpError refusal(String message) {
        return McpError.builder(McpSchema.ErrorCodes.INVALID_REQUEST).message(message).build();
    }
}
