package org.openpista.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.admin.wire.Frames;
import org.openpista.api.approval.ApprovalDecision;
import org.openpista.api.approval.ApprovalRequest;
import org.openpista.api.channel.AgentGateway;
import org.openpista.api.channel.AgentReply;
import org.openpista.api.channel.InboundMessage;
import org.openpista.api.channel.ProgressEvent;
import org.openpista.api.channel.ReplySink;
import org.openpista.api.channel.TurnHandle;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.config.ConfigReport;
import org.openpista.api.config.ConfigurationLoader;

/** {@code openpista run -e} served over the admin socket: the frames of a turn, approval, declining, hanging up. */
@Timeout(60)
class DaemonRunsTest {

    @TempDir
    Path home;

    AdminSocketServer server;
    final List<InboundMessage> submitted = new ArrayList<>();
    final CompletableFuture<ApprovalDecision> decided = new CompletableFuture<>();
    final CountDownLatch cancelled = new CountDownLatch(1);
    String providerProblem = "";

    @AfterEach
    void stop() {
        if (server != null) {
            server.deactivate();
        }
    }

    /** A turn that thinks, writes "Hel" "lo", runs a tool after asking, and answers with what it was told. */
    final AgentGateway gateway = new AgentGateway() {
        @Override
        public TurnHandle submit(InboundMessage message, ReplySink sink) {
            submitted.add(message);
            CompletableFuture<AgentReply> done = new CompletableFuture<>();
            Thread turn = new Thread(() -> {
                sink.progress(new ProgressEvent(message.sessionId(), ProgressEvent.Kind.THINKING, null, null, ""));
                sink.textDelta(message.sessionId(), "Hel");
                sink.textDelta(message.sessionId(), "lo\u001b[2J");
                sink.progress(new ProgressEvent(message.sessionId(), ProgressEvent.Kind.TOOL_STARTED, "shell", "c1", "ls"));
                CompletionStage<ApprovalDecision> answer = sink.requestApproval(
                        new ApprovalRequest(message.sessionId(), message.channel(), new ToolCall("c1", "shell", "{\"command\":\"ls\"}")));
                answer.whenComplete((decision, failure) -> {
                    if (failure != null) {
                        decided.completeExceptionally(failure);
                    } else {
                        decided.complete(decision);
                    }
                });
                if (message.text().equals("hang")) {
                    return; // waits until cancelled
                }
                String decision = decided.handle((approved, refused) -> refused == null ? approved.name()
                        : "refused: " + refused.getMessage()).join();
                done.complete(AgentReply.answer(message.sessionId(), "Hello " + decision));
            });
            turn.start();
            return new TurnHandle() {
                @Override
                public String sessionId() {
                    return message.sessionId();
                }

                @Override
                public CompletionStage<AgentReply> completion() {
                    return done;
                }

                @Override
                public boolean cancel() {
                    cancelled.countDown();
                    return done.complete(AgentReply.failure(message.sessionId(), "cancelled"));
                }
            };
        }

        @Override
        public int cancel(String sessionId) {
            return 0;
        }
    };

    ConfigurationLoader loader() {
        return (ConfigurationLoader) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ConfigurationLoader.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "configFile" -> home.resolve("config.toml");
                    case "report" -> new ConfigReport(home.resolve("config.toml"), true, "openai", "", providerProblem,
                            List.of("config.toml:3: agent.colour: unknown key, ignored"));
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    /** Gogo is not needed for a run; a session that takes its variables is. */
    static CommandProcessor processor() {
        return (CommandProcessor) Proxy.newProxyInstance(DaemonRunsTest.class.getClassLoader(), new Class<?>[] {CommandProcessor.class},
                (proxy, method, args) -> Proxy.newProxyInstance(DaemonRunsTest.class.getClassLoader(),
                        new Class<?>[] {CommandSession.class}, (session, call, callArgs) -> null));
    }

    SocketChannel start(DaemonRuns runs) throws IOException {
        server = new AdminSocketServer(processor(), home.resolve("admin.sock"), 4);
        server.runs = runs;
        return SocketChannel.open(UnixDomainSocketAddress.of(home.resolve("admin.sock")));
    }

    void request(SocketChannel client, String config, String prompt) throws IOException {
        byte[] payload = Frames.fields(config, "cli-test", prompt);
        Frames.write(client, Frames.RUN, payload, 0, payload.length);
    }

    /** @return the frames up to and with the reply (or a decline), one line each: type, then the fields joined by | */
    static List<String> frames(SocketChannel client, String answer) throws IOException {
        List<String> frames = new ArrayList<>();
        while (true) {
            Frames.Frame frame = Frames.read(client, 1 << 20);
            assertThat(frame).as("a frame after " + frames).isNotNull();
            String text = frame.type() == Frames.DECLINE || frame.type() == Frames.ERR ? frame.text() : String.join("|", frame.fields());
            frames.add((char) frame.type() + text);
            if (frame.type() == Frames.ASK) {
                Frames.write(client, Frames.ANSWER, answer);
            }
            if (frame.type() == Frames.REPLY || frame.type() == Frames.DECLINE) {
                return frames;
            }
        }
    }

    @Test
    void aRunStreamsItsTurnAndTheClientAnswersTheQuestion() throws Exception {
        try (SocketChannel client = start(new DaemonRuns(gateway, loader()))) {
            request(client, home.resolve("config.toml").toString(), "hi");

            assertThat(frames(client, "a")).containsExactly("Eopenpista: warning: config.toml:3: agent.colour: unknown key, ignored\n",
                    "PTHINKING||", "DHel", "Dlo\u001b[2J", "PTOOL_STARTED|shell|ls",
                    "Ashell with {\"command\":\"ls\"}", "F0|Hello ALLOW_FOR_SESSION");
        }
        assertThat(submitted).singleElement().satisfies(message -> {
            // as the command submits it when it runs the turn itself
            assertThat(message.channel()).isEqualTo("cli");
            assertThat(message.conversationKey()).isEqualTo("cli:cli-test");
            assertThat(message.sessionId()).isEqualTo("cli-test");
            assertThat(message.text()).isEqualTo("hi");
        });
    }

    @Test
    void aClientThatCannotAnswerRefusesWithItsReason() throws Exception {
        try (SocketChannel client = start(new DaemonRuns(gateway, loader()))) {
            request(client, home.resolve("config.toml").toString(), "hi");
            assertThat(frames(client, "!standard input is not a terminal"))
                    .endsWith("F0|Hello refused: standard input is not a terminal");
        }
        assertThat(decided).isCompletedExceptionally();
        assertThat(decided.handle((decision, failure) -> failure.getMessage()).join())
                .isEqualTo("standard input is not a terminal");
    }

    @Test
    void anotherConfigurationOrNoProviderOrNoAgentIsDeclined() throws Exception {
        try (SocketChannel client = start(new DaemonRuns(gateway, loader()))) {
            request(client, "/elsewhere/config.toml", "hi");
            assertThat(frames(client, "y")).singleElement().satisfies(frame -> assertThat(frame).startsWith("Nthe daemon reads "));
        }
        server.deactivate();
        providerProblem = "no API key";
        try (SocketChannel client = start(new DaemonRuns(gateway, loader()))) {
            request(client, home.resolve("config.toml").toString(), "hi");
            assertThat(frames(client, "y")).containsExactly("Nthe daemon has no usable provider");
        }
        server.deactivate();
        try (SocketChannel client = start(null)) {
            request(client, home.resolve("config.toml").toString(), "hi");
            assertThat(frames(client, "y")).containsExactly("Nthe daemon serves no runs");
        }
        assertThat(submitted).isEmpty();
    }

    @Test
    void aClientThatHangsUpCancelsTheTurn() throws Exception {
        SocketChannel client = start(new DaemonRuns(gateway, loader()));
        request(client, home.resolve("config.toml").toString(), "hang");
        while (Frames.read(client, 1 << 20).type() != Frames.ASK) {
            // up to the question
        }

        client.close();

        assertThat(cancelled.await(10, TimeUnit.SECONDS)).as("the turn was cancelled").isTrue();
        // the open question is refused (right after the cancel)
        assertThat(decided.handle((decision, failure) -> failure.getMessage()).get(10, TimeUnit.SECONDS))
                .isEqualTo("the client went away");
    }
}
