package org.openpista.core.internal;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.openpista.api.approval.ApprovalOutcome;
import org.openpista.api.approval.ApprovalRequest;
import org.openpista.api.approval.ApprovalService;
import org.openpista.api.channel.AgentReply;
import org.openpista.api.channel.ProgressEvent;
import org.openpista.api.chat.Attachment;
import org.openpista.api.chat.Cancellation;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.llm.ChatRequest;
import org.openpista.api.llm.ChatResponse;
import org.openpista.api.llm.LlmProvider;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.memory.ConversationStore;
import org.openpista.api.memory.StoreException;
import org.openpista.api.tool.ToolContext;
import org.openpista.api.tool.ToolResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ReAct loop of one turn: load the history, ask the model, run the tool calls it asks for
 * (after approval), feed the results back, and repeat until the model answers in text or the
 * round limit is reached. Every message is stored the moment it exists, so a crash keeps what was
 * said. Failures end the turn with a one-line message for the user, never with an exception.
 */
final class AgentLoop {

    private static final Logger LOG = LoggerFactory.getLogger(AgentLoop.class);

    static final String CANCELLED = "Cancelled.";

    private final ConversationStore store;
    private final ToolInvoker tools;
    private final ApprovalService approval;
    private final ProviderLookup providers;
    private final Supplier<List<String>> promptSections;

    AgentLoop(
            ConversationStore store,
            ToolInvoker tools,
            ApprovalService approval,
            ProviderLookup providers,
            Supplier<List<String>> promptSections) {
        this.store = store;
        this.tools = tools;
        this.approval = approval;
        this.providers = providers;
        this.promptSections = promptSections;
    }

    AgentReply run(Turn turn, AgentSettings settings) {
        String sessionId = turn.sessionId();
        try {
            store.ensureSession(sessionId, turn.message().channel(), turn.message().conversationKey());
            store.append(sessionId, ChatMessage.user(turn.message().text()).withAttachments(turn.message().attachments()));
            if (turn.cancellation().isCancelled()) {
                return AgentReply.failure(sessionId, CANCELLED);
            }
            LlmProvider provider = providers.find(settings.provider());
            if (provider == null) {
                return AgentReply.failure(sessionId, missingProvider(settings.provider()));
            }
            return converse(turn, settings, provider);
        } catch (StoreException e) {
            LOG.error("Memory failure in session {}", sessionId, e);
            return AgentReply.failure(sessionId, "memory error: " + e.getMessage());
        }
    }

    private AgentReply converse(Turn turn, AgentSettings settings, LlmProvider provider) {
        String sessionId = turn.sessionId();
        Cancellation cancellation = turn.cancellation();
        List<ChatMessage> history = new ArrayList<>(store.history(sessionId));
        List<Attachment> attachments = new ArrayList<>();
        String model = settings.model().isBlank() ? provider.defaultModel() : settings.model();
        String systemPrompt = SystemPrompt.build(settings, promptSections.get(), LocalDate.now());
        for (int round = 1; ; round++) {
            if (cancellation.isCancelled()) {
                return AgentReply.failure(sessionId, CANCELLED);
            }
            turn.sink().progress(new ProgressEvent(sessionId, ProgressEvent.Kind.THINKING, null, null, ""));
            ChatResponse response;
            try {
                ChatRequest request = new ChatRequest(model, systemPrompt, history, tools.tools(), 0, cancellation);
                response = provider.chat(request, delta -> turn.sink().textDelta(sessionId, delta));
            } catch (ProviderException e) {
                if (e.kind() == ProviderException.Kind.CANCELLED || cancellation.isCancelled()) {
                    return AgentReply.failure(sessionId, CANCELLED);
                }
                LOG.info("Provider {} failed in session {}: {}", provider.name(), sessionId, e.getMessage());
                return AgentReply.failure(sessionId, e.getMessage());
            } catch (RuntimeException | LinkageError e) {
                // a provider bundle that was stopped in the middle of the call lands here too
                LOG.warn("Provider {} failed unexpectedly in session {}", settings.provider(), sessionId, e);
                return AgentReply.failure(sessionId, "the provider \"" + settings.provider() + "\" failed: "
                        + ToolRegistryImpl.describe(e));
            }
            ChatMessage answer = ChatMessage.assistant(response.text(), response.toolCalls())
                    .withProviderData(response.providerData());
            store.append(sessionId, answer);
            history.add(answer);
            if (!response.hasToolCalls()) {
                String text = response.text().isBlank() ? "(the model returned an empty answer)" : response.text();
                return new AgentReply(sessionId, text, false, attachments);
            }
            for (ToolCall call : response.toolCalls()) {
                ChatMessage result = runTool(turn, settings, call, attachments);
                store.append(sessionId, result);
                history.add(result);
            }
            if (round >= settings.maxToolRounds()) {
                return new AgentReply(sessionId, "Stopped after " + settings.maxToolRounds()
                        + " tool rounds without a final answer. Ask again to continue, or raise [agent] max_tool_rounds.",
                        true, attachments);
            }
        }
    }

    private ChatMessage runTool(Turn turn, AgentSettings settings, ToolCall call, List<Attachment> attachments) {
        String sessionId = turn.sessionId();
        if (turn.cancellation().isCancelled()) {
            return ChatMessage.toolResult(call, "not run: the turn was cancelled", true);
        }
        turn.sink().progress(new ProgressEvent(sessionId, ProgressEvent.Kind.TOOL_STARTED, call.name(), call.id(),
                abbreviate(call.arguments())));
        ApprovalOutcome outcome = approve(turn, call);
        ToolResult result;
        if (!outcome.allowed()) {
            result = ToolResult.error("not run: " + outcome.reason());
        } else {
            Instant deadline = Instant.now().plus(settings.toolTimeout());
            ToolContext context = new ToolContext(sessionId, turn.message().channel(), settings.workspace(), deadline,
                    turn.cancellation());
            result = tools.invoke(call, context);
        }
        attachments.addAll(result.attachments());
        turn.sink().progress(new ProgressEvent(sessionId,
                result.error() ? ProgressEvent.Kind.TOOL_FAILED : ProgressEvent.Kind.TOOL_FINISHED, call.name(),
                call.id(), abbreviate(result.content())));
        return ChatMessage.toolResult(call, result.content(), result.error()).withAttachments(result.attachments());
    }

    private ApprovalOutcome approve(Turn turn, ToolCall call) {
        ApprovalRequest request = new ApprovalRequest(turn.sessionId(), turn.message().channel(), call);
        // only this wait is interruptible: a cancelled turn must not hang on an unanswered question
        Thread thread = Thread.currentThread();
        Cancellation.Registration interruptOnCancel = turn.cancellation().onCancel(thread::interrupt);
        try {
            return approval.decide(request, turn.sink());
        } catch (InterruptedException e) {
            return ApprovalOutcome.deny("the turn was cancelled while waiting for approval");
        } finally {
            interruptOnCancel.close();
            Thread.interrupted();
        }
    }

    private String missingProvider(String name) {
        List<String> available = providers.names();
        return "the provider \"" + name + "\" is not available"
                + (available.isEmpty() ? "" : " (available: " + String.join(", ", available) + ")")
                + "; check [agent] provider in config.toml";
    }

    static String abbreviate(String text) {
        String oneLine = text.replaceAll("\\s+", " ").strip();
        return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 199) + "…";
    }
}
