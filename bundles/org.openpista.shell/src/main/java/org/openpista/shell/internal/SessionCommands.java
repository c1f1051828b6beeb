package org.openpista.shell.internal;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.openpista.api.admin.AgentStatus;
import org.openpista.api.admin.SessionActivity;
import org.openpista.api.channel.AgentGateway;
import org.openpista.api.channel.AgentReply;
import org.openpista.api.channel.InboundMessage;
import org.openpista.api.channel.ProgressEvent;
import org.openpista.api.channel.ReplySink;
import org.openpista.api.channel.TurnHandle;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.memory.ConversationStore;
import org.openpista.api.memory.SessionInfo;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The Gogo commands about conversations, in scope {@code openpista}: which sessions there are
 * ({@code sessions}), what was said in one ({@code history}) and a message to one ({@code send}).
 * Like {@link AgentCommands}, every service is optional and a missing one is said in a one-line
 * {@link IllegalStateException}.
 */
@Component(service = SessionCommands.class, property = {
    "osgi.command.scope=openpista",
    "osgi.command.function=sessions",
    "osgi.command.function=history",
    "osgi.command.function=send"
})
public class SessionCommands {

    /** Session variable holding the error stream of an admin socket session. */
    static final String ERR = ".openpista.err";

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile AgentStatus agent;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile AgentGateway gateway;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile ConversationStore store;

    @Descriptor("list sessions, most recently active first, with the ones working now")
    public String sessions(
            @Descriptor("how many to show") @Parameter(names = {"-n", "--limit"}, absentValue = "30") int limit) {
        ConversationStore memory = requireStore();
        Map<String, SessionActivity> busy = new HashMap<>();
        AgentStatus status = agent;
        if (status != null) {
            status.activity().forEach(activity -> busy.put(activity.sessionId(), activity));
        }
        Table table = new Table("SESSION", "CHANNEL", "MESSAGES", "UPDATED", "STATE", "LAST");
        List<String> listed = new ArrayList<>();
        for (SessionInfo session : memory.sessions(Math.max(1, limit))) {
            listed.add(session.id());
            table.row(session.id(), session.channel(), session.messageCount(), TIME.format(session.updatedAt()),
                    state(busy.get(session.id())), Table.cut(session.preview(), 60));
        }
        busy.values().stream().filter(activity -> !listed.contains(activity.sessionId()))
                .forEach(activity -> table.row(activity.sessionId(), activity.channel(), 0, "-", state(activity), ""));
        return table.isEmpty() ? "no sessions yet\n" : table.toString();
    }

    @Descriptor("show the messages of a session, oldest first")
    public String history(
            @Descriptor("how many of the last messages to show") @Parameter(names = {"-n", "--limit"}, absentValue = "50") int limit,
            @Descriptor("the session id") String session) {
        ConversationStore memory = requireStore();
        if (memory.session(session).isEmpty()) {
            throw new IllegalArgumentException("no session \"" + session + "\" (see openpista:sessions)");
        }
        List<ChatMessage> messages = memory.history(session);
        int from = Math.max(0, messages.size() - Math.max(1, limit));
        Table table = new Table("#", "TIME", "ROLE", "TEXT");
        for (int i = from; i < messages.size(); i++) {
            ChatMessage message = messages.get(i);
            StringBuilder text = new StringBuilder(message.content());
            for (ToolCall call : message.toolCalls()) {
                text.append(text.length() == 0 ? "" : " ").append("→ ").append(call.name()).append(' ').append(call.arguments());
            }
            String role = message.role().name().toLowerCase(Locale.ROOT)
                    + (message.toolName() != null ? " " + message.toolName() : "") + (message.error() ? " (error)" : "");
            table.row(i + 1, TIME.format(message.createdAt()), role, Table.cut(text.toString(), 100));
        }
        return table.toString();
    }

    @Descriptor("send a message to a session and print the answer (tools run as [agent] approval allows for the shell)")
    public String send(
            CommandSession session,
            @Descriptor("the session id; created when new") String sessionId,
            @Descriptor("the message (quote it)") String message) throws InterruptedException {
        AgentGateway agentGateway = gateway;
        if (agentGateway == null) {
            throw new IllegalStateException("the agent core is not running");
        }
        if (message.isBlank()) {
            throw new IllegalArgumentException("the message is empty");
        }
        Object errVariable = session.get(ERR);
        PrintStream err = errVariable instanceof PrintStream stream ? stream : session.getConsole();
        CompletableFuture<AgentReply> done = new CompletableFuture<>();
        TurnHandle turn = agentGateway.submit(InboundMessage.text("shell", "shell:" + sessionId, sessionId, message),
                new ReplySink() {
                    @Override
                    public void reply(AgentReply reply) {
                        done.complete(reply);
                    }

                    @Override
                    public void progress(ProgressEvent event) {
                        if (event.kind() == ProgressEvent.Kind.TOOL_STARTED) {
                            err.println("» " + event.toolName() + " " + event.detail());
                        } else if (event.kind() == ProgressEvent.Kind.TOOL_FAILED) {
                            err.println("  ✗ " + event.detail());
                        }
                    }
                });
        AgentReply reply = awaitReply(done, turn);
        if (reply.error()) {
            throw new IllegalStateException(reply.text());
        }
        return reply.text() + "\n";
    }

    /** Waits for the answer, cancelling the turn when the client goes away (the command thread is interrupted). */
    private static AgentReply awaitReply(CompletableFuture<AgentReply> done, TurnHandle turn) throws InterruptedException {
        try {
            while (true) {
                try {
                    return done.get(200, TimeUnit.MILLISECONDS);
                } catch (TimeoutException stillRunning) {
                    if (Thread.interrupted()) {
                        throw new InterruptedException();
                    }
                }
            }
        } catch (InterruptedException e) {
            // the client went away: nobody waits for this answer any more
            turn.cancel();
            throw e;
        } catch (ExecutionException e) {
            throw new IllegalStateException("the turn failed: " + e.getCause().getMessage());
        }
    }

    private ConversationStore requireStore() {
        ConversationStore memory = store;
        if (memory == null) {
            throw new IllegalStateException("the conversation memory is not running");
        }
        return memory;
    }

    private static String state(SessionActivity activity) {
        if (activity == null) {
            return "idle";
        }
        String state = activity.runningSince() == null ? "queued" : "running "
                + Describe.duration(Duration.between(activity.runningSince(), Instant.now()));
        return activity.queued() > 0 ? state + " +" + activity.queued() + " queued" : state;
    }
}
