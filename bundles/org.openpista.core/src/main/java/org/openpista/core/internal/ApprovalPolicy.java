package org.openpista.core.internal;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.openpista.api.approval.ApprovalDecision;
import org.openpista.api.approval.ApprovalOutcome;
import org.openpista.api.approval.ApprovalRequest;
import org.openpista.api.approval.ApprovalService;
import org.openpista.api.channel.ReplySink;
import org.openpista.api.observe.ApprovalEvent;
import org.openpista.api.observe.ApprovalEvent.Decision;
import org.openpista.api.observe.TurnObserver;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a tool call may run.
 *
 * <p>The mode comes from {@code [agent] approval} ({@code ask} by default), overridden per channel
 * by {@code [channels.X] approval}. Tool calls from remote channels (anything but the local
 * terminal) reach the owner's OS from afar, so for them a global {@code auto} is tightened to
 * {@code ask}; only an explicit per-channel {@code approval = "auto"} lets them run unasked.
 * Under {@code ask} the owner is asked about the exact call; "allow for this session" is
 * remembered per session and tool name for the life of the runtime.
 *
 * <p>A tool may carry its own mode ({@link org.openpista.api.tool.Tool#APPROVAL}, such as an MCP
 * server's {@code approval}): a channel that denies still denies; otherwise the tool's {@code deny}
 * refuses, its {@code ask} asks even where the channel runs tools unasked, and its {@code auto} runs
 * unasked.
 */
@Component(service = ApprovalService.class, configurationPid = "org.openpista.agent")
public class ApprovalPolicy implements ApprovalService {

    /**
     * Channels on the owner's own terminal; {@code shell} is the daemon's admin console, reached only
     * through a socket file that only the owner may open.
     */
    static final Set<String> LOCAL_CHANNELS = Set.of("cli", "tui", "shell");

    private static final String OVERRIDE_PREFIX = "approval.";

    private static final Logger LOG = LoggerFactory.getLogger(ApprovalPolicy.class);

    /** Hear of every decision (metrics); with none registered a decision costs nothing more. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    volatile List<TurnObserver> observers = List.of();

    private final Map<String, Set<String>> allowedForSession = new ConcurrentHashMap<>();
    private volatile ApprovalMode globalMode = ApprovalMode.ASK;
    private volatile Map<String, ApprovalMode> channelModes = Map.of();

    /** Where tools' own approval modes are read; the registry of this bundle. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile ToolInvoker tools;

    @Activate
    @Modified
    void configure(Map<String, Object> properties) {
        globalMode = ApprovalMode.parse(string(properties.get("approval")), ApprovalMode.ASK);
        Map<String, ApprovalMode> overrides = new ConcurrentHashMap<>();
        properties.forEach((key, value) -> {
            if (key.startsWith(OVERRIDE_PREFIX) && key.length() > OVERRIDE_PREFIX.length()) {
                ApprovalMode mode = ApprovalMode.parse(string(value), null);
                if (mode != null) {
                    overrides.put(key.substring(OVERRIDE_PREFIX.length()), mode);
                }
            }
        });
        channelModes = Map.copyOf(overrides);
    }

    /** @return the mode that applies to a channel */
    ApprovalMode modeFor(String channel) {
        ApprovalMode explicit = channelModes.get(channel);
        if (explicit != null) {
            return explicit;
        }
        if (globalMode == ApprovalMode.AUTO && !LOCAL_CHANNELS.contains(channel)) {
            return ApprovalMode.ASK;
        }
        return globalMode;
    }

    @Override
    public ApprovalOutcome decide(ApprovalRequest request, ReplySink sink) throws InterruptedException {
        ApprovalMode mode = modeFor(request.channel());
        String tool = request.call().name();
        ToolInvoker registry = tools;
        ApprovalMode own = registry == null ? null : ApprovalMode.parse(registry.approvalOf(tool), null);
        if (mode == ApprovalMode.DENY) {
            return told(request, Decision.DENIED,
                    ApprovalOutcome.deny("tool calls are disabled by the approval policy (approval = \"deny\")"));
        }
        if (own == ApprovalMode.DENY) {
            return told(request, Decision.DENIED,
                    ApprovalOutcome.deny("the tool " + tool + " is configured with approval = \"deny\""));
        }
        if (own == ApprovalMode.AUTO || own == null && mode == ApprovalMode.AUTO) {
            return told(request, Decision.AUTO, ApprovalOutcome.allow());
        }
        if (allowedForSession.getOrDefault(request.sessionId(), Set.of()).contains(tool)) {
            return told(request, Decision.SESSION_ALLOWED, ApprovalOutcome.allow());
        }
        ApprovalDecision decision;
        try {
            decision = await(sink.requestApproval(request).toCompletableFuture());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return told(request, Decision.UNAVAILABLE, ApprovalOutcome.deny("the owner could not be asked for approval: "
                    + ToolRegistryImpl.describe(cause) + " (set approval = \"auto\" to run tools without asking)"));
        } catch (InterruptedException e) {
            told(request, Decision.CANCELLED, null);
            throw e;
        }
        if (decision == ApprovalDecision.ALLOW_FOR_SESSION) {
            allowedForSession.computeIfAbsent(request.sessionId(), id -> ConcurrentHashMap.newKeySet()).add(tool);
            return told(request, Decision.ALLOWED_FOR_SESSION, ApprovalOutcome.allow());
        }
        return decision.allows()
                ? told(request, Decision.APPROVED, ApprovalOutcome.allow())
                : told(request, Decision.REJECTED, ApprovalOutcome.deny("the owner refused this tool call"));
    }

    /** Tells the observers how a call was decided; returns the outcome. */
    private ApprovalOutcome told(ApprovalRequest request, Decision decision, ApprovalOutcome outcome) {
        List<TurnObserver> current = observers;
        if (current.isEmpty()) {
            return outcome;
        }
        ApprovalEvent event = new ApprovalEvent(request.sessionId(), request.channel(), request.call().name(), decision);
        for (TurnObserver observer : current) {
            try {
                observer.approval(event);
            } catch (RuntimeException | LinkageError e) {
                LOG.warn("A turn observer ({}) failed; the decision stands", observer.getClass().getName(), e);
            }
        }
        return outcome;
    }

    /** Forgets the "allow for this session" decisions of a session. */
    void forgetSession(String sessionId) {
        allowedForSession.remove(sessionId);
    }

    // waits in slices so that an interrupt (the turn was cancelled) ends the wait promptly
    private static ApprovalDecision await(CompletableFuture<ApprovalDecision> answer)
            throws InterruptedException, ExecutionException {
        while (true) {
            try {
                ApprovalDecision decision = answer.get(250, TimeUnit.MILLISECONDS);
                if (decision == null) {
                    throw new ExecutionException(new IllegalStateException("no decision"));
                }
                return decision;
            } catch (TimeoutException stillWaiting) {
                if (Thread.currentThread().isInterrupted()) {
                    answer.cancel(true);
                    throw new InterruptedException("cancelled while waiting for approval");
                }
            }
        }
    }

    private static String string(Object value) {
        return value == null ? null : value.toString();
    }
}
