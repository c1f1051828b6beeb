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
import org.openpista.api.observe.Outcome;
import org.openpista.api.observe.TurnObserver;
import org.openpista.api.tool.ToolContext;
import org.openpista.api.tool.ToolResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ReAct loop of one turn: load the history, ask the model, run the tool calls it asks for
 * (after approval), feed the results back, and repeat until the model answers in text or the
 * round limit is reached. Every message is stored the moment it exists, so a crash keeps what was
 * said (the user's message is stored before the turn even starts, see {@link SessionLanes}). Failures end the turn with a one-line message for the user, never with an exception.
 */
final class AgentLoop {

    private static final Logger LOG = LoggerFactory.getLogger(AgentLoop.class);

    static final String CANCELLED = "Cancelled.";

    /** Requests of one round: the first, plus resends after the provider left during a request. */
    private static final int MAX_PROVIDER_ATTEMPTS = 4;

    private final ConversationStore store;
    private final ToolInvoker tools;
    private final ApprovalService approval;
    private final ProviderLookup providers;
    private final Supplier<List<String>> promptSections;
    private final Supplier<List<TurnObserver>> observers;

    AgentLoop(
            ConversationStore store,
            ToolInvoker tools,
            ApprovalService approval,
            ProviderLookup providers,
            Supplier<List<String>> promptSections) {
        this(store, tools, approval, providers, promptSections, List::of);
    }

    AgentLoop(
            ConversationStore store,
            ToolInvoker tools,
            ApprovalService approval,
            ProviderLookup providers,
            Supplier<List<String>> promptSections,
            Supplier<List<TurnObserver>> observers) {
        this.store = store;
        this.tools = tools;
        this.approval = approval;
        this.providers = providers;
        this.promptSections = promptSections;
        this.observers = observers;
    }

    /**
     * Answers a turn whose user message is already the last of its session (the turn queue moved
     * it there when the turn started).
     */
    AgentReply run(Turn turn, AgentSettings settings) {
        String sessionId = turn.sessionId();
        TurnObservation observed = TurnObservation.start(observers.get(), turn, settings.provider());
        AgentReply reply = null;
        try {
            if (turn.cancellation().isCancelled()) {
                reply = AgentReply.failure(sessionId, CANCELLED);
            } else {
                reply = converse(turn, settings, observed);
            }
        } catch (StoreException e) {
            LOG.error("Memory failure in session {}", sessionId, e);
            reply = AgentReply.failure(sessionId, "memory error: " + e.getMessage());
        } finally {
            observed.ended(reply, turn.cancellation().isCancelled());
        }
        return reply;
    }

    private AgentReply converse(Turn turn, AgentSettings settings, TurnObservation observed) {
        String sessionId = turn.sessionId();
        Cancellation cancellation = turn.cancellation();
        List<ChatMessage> history = new ArrayList<>(store.history(sessionId));
        List<Attachment> attachments = new ArrayList<>();
        String systemPrompt = SystemPrompt.build(settings, promptSections.get(), LocalDate.now());
        for (int round = 1; ; round++) {
            if (cancellation.isCancelled()) {
                return AgentReply.failure(sessionId, CANCELLED);
            }
            turn.sink().progress(new ProgressEvent(sessionId, ProgressEvent.Kind.THINKING, null, null, ""));
            Answer answer = ask(turn, settings, systemPrompt, history, observed);
            if (answer.failure() != null) {
                return answer.failure();
            }
            ChatResponse response = answer.response();
            ChatMessage said = ChatMessage.assistant(response.text(), response.toolCalls())
                    .withProviderData(response.providerData());
            store.append(sessionId, said);
            history.add(said);
            if (!response.hasToolCalls()) {
                String text = response.text().isBlank() ? "(the model returned an empty answer)" : response.text();
                return new AgentReply(sessionId, text, false, attachments);
            }
            for (ToolCall call : response.toolCalls()) {
                ChatMessage result = runTool(turn, settings, call, attachments, observed);
                store.append(sessionId, result);
                history.add(result);
            }
            if (round >= settings.maxToolRounds()) {
                observed.limitReached();
                return new AgentReply(sessionId, "Stopped after " + settings.maxToolRounds()
                        + " tool rounds without a final answer. Ask again to continue, or raise [agent] max_tool_rounds.",
                        true, attachments);
            }
        }
    }

    /** The provider's answer to one request, or the reply that ends the turn. */
    private record Answer(ChatResponse response, AgentReply failure) {}

    /**
     * Sends one request to the configured provider, looked up afresh so a re-registered provider is
     * used and a stale one is not. When the provider service leaves during the call (its bundle is
     * stopped or updated) the request is sent again to its replacement, which a bundle update
     * registers moments later; only when none comes does the turn end, with a message saying so.
     */
    private Answer ask(Turn turn, AgentSettings settings, String systemPrompt, List<ChatMessage> history,
            TurnObservation observed) {
        String sessionId = turn.sessionId();
        Cancellation cancellation = turn.cancellation();
        String name = settings.provider();
        for (int attempt = 1; ; attempt++) {
            LlmProvider provider = providers.find(name);
            if (provider == null) {
                provider = providers.await(name, settings.providerWait(), cancellation);
            }
            if (cancellation.isCancelled()) {
                return new Answer(null, AgentReply.failure(sessionId, CANCELLED));
            }
            if (provider == null) {
                return new Answer(null, AgentReply.failure(sessionId, attempt == 1
                        ? missingProvider(name)
                        : "the provider \"" + name + "\" went away while answering (its bundle was stopped, updated "
                                + "or removed) and did not come back within " + settings.providerWait().toSeconds()
                                + " s; ask again once it is available"));
            }
            // the request is abandoned when the turn is cancelled, and also when its provider leaves: a
            // request to a stopped or updated bundle may never finish, so it goes to the replacement instead
            Cancellation request = new Cancellation();
            Cancellation.Registration turnCancelled = cancellation.onCancel(request::cancel);
            Cancellation.Registration providerLeft = providers.whenGone(provider, request::cancel);
            ChatRequest chat = null;
            String model = "";
            long started = observed.clock();
            try {
                model = settings.model().isBlank() ? provider.defaultModel() : settings.model();
                chat = new ChatRequest(model, systemPrompt, history, tools.tools(), 0, request);
                observed.offered(chat.tools());
                ChatResponse response = provider.chat(chat, delta -> turn.sink().textDelta(sessionId, delta));
                observed.llmRequest(name, model, started, chat, response, Outcome.OK, "");
                return new Answer(response, null);
            } catch (ProviderException e) {
                if (chat != null) {
                    observed.llmRequest(name, model, started, chat, null,
                            cancellation.isCancelled() || e.kind() == ProviderException.Kind.CANCELLED
                                    ? Outcome.CANCELLED
                                    : Outcome.ERROR,
                            e.getMessage());
                }
                if (cancellation.isCancelled()) {
                    return new Answer(null, AgentReply.failure(sessionId, CANCELLED));
                }
                if (vanished(provider, attempt, sessionId, e)) {
                    continue;
                }
                if (e.kind() == ProviderException.Kind.CANCELLED) {
                    return new Answer(null, AgentReply.failure(sessionId, CANCELLED));
                }
                LOG.info("Provider {} failed in session {}: {}", name, sessionId, e.getMessage());
                return new Answer(null, AgentReply.failure(sessionId, e.getMessage()));
            } catch (RuntimeException | LinkageError e) {
                // a provider whose bundle was updated or uninstalled in the middle of the call lands here
                if (chat != null) {
                    observed.llmRequest(name, model, started, chat, null,
                            cancellation.isCancelled() ? Outcome.CANCELLED : Outcome.ERROR, ToolRegistryImpl.describe(e));
                }
                if (cancellation.isCancelled()) {
                    return new Answer(null, AgentReply.failure(sessionId, CANCELLED));
                }
                if (vanished(provider, attempt, sessionId, e)) {
                    continue;
                }
                LOG.warn("Provider {} failed unexpectedly in session {}", name, sessionId, e);
                return new Answer(null, AgentReply.failure(sessionId, "the provider \"" + name + "\" failed: "
                        + ToolRegistryImpl.describe(e)));
            } finally {
                turnCancelled.close();
                providerLeft.close();
            }
        }
    }

    /** @return whether the provider left while the request ran, so the request is worth sending again */
    private boolean vanished(LlmProvider provider, int attempt, String sessionId, Throwable failure) {
        if (attempt >= MAX_PROVIDER_ATTEMPTS || providers.isRegistered(provider)) {
            return false;
        }
        LOG.info("The provider left during a request of session {} ({}); sending it again to its replacement",
                sessionId, ToolRegistryImpl.describe(failure));
        return true;
    }

    private ChatMessage runTool(Turn turn, AgentSettings settings, ToolCall call, List<Attachment> attachments,
            TurnObservation observed) {
        String sessionId = turn.sessionId();
        if (turn.cancellation().isCancelled()) {
            observed.toolCall(call, observed.clock(), Outcome.CANCELLED, null);
            return ChatMessage.toolResult(call, "not run: the turn was cancelled", true);
        }
        turn.sink().progress(new ProgressEvent(sessionId, ProgressEvent.Kind.TOOL_STARTED, call.name(), call.id(),
                abbreviate(call.arguments())));
        ApprovalOutcome outcome = approve(turn, call);
        ToolResult result;
        if (!outcome.allowed()) {
            result = ToolResult.error("not run: " + outcome.reason());
            observed.toolCall(call, observed.clock(),
                    turn.cancellation().isCancelled() ? Outcome.CANCELLED : Outcome.DENIED, null);
        } else {
            Instant deadline = Instant.now().plus(settings.toolTimeout());
            String channel = turn.message().channel();
            ToolContext context = new ToolContext(sessionId, channel, settings.workspace(), deadline, turn.cancellation(),
                    question -> turn.sink().requestApproval(new ApprovalRequest(sessionId, channel, question)));
            long started = observed.clock();
            result = Base64Payloads.strip(tools.invoke(call, context));
            observed.toolCall(call, started, result.error() ? Outcome.ERROR : Outcome.OK, result);
        }
        attachments.addAll(result.attachments());
        turn.sink().progress(new ProgressEvent(sessionId,
                result.error() ? ProgressEvent.Kind.TOOL_FAILED : ProgressEvent.Kind.TOOL_FINISHED, call.name(),
                call.id(), abbreviate(result.content())));
        return ChatMessage.toolResult(call, result.content(), result.error()).withAttachments(result.attachments());
    }

    private ApprovalOutcome approve(Turn turn, ToolCall call) {
        ApprovalRequest request = new ApprovalRequest(turn.sessionId(), turn.message().channel(), call,
                tools.approvalNote(call.name()));
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
