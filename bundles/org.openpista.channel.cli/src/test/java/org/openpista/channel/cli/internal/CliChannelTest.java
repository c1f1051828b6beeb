package org.openpista.channel.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.openpista.api.admin.DaemonControl;
import org.openpista.api.approval.ApprovalDecision;
import org.openpista.api.approval.ApprovalRequest;
import org.openpista.api.channel.AgentGateway;
import org.openpista.api.channel.AgentReply;
import org.openpista.api.channel.InboundMessage;
import org.openpista.api.channel.ReplySink;
import org.openpista.api.channel.TurnHandle;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.session.SessionRouter;

class CliChannelTest {

    final List<InboundMessage> messages = new CopyOnWriteArrayList<>();
    final List<ReplySink> sinks = new CopyOnWriteArrayList<>();
    final List<String> stops = new CopyOnWriteArrayList<>();
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    final AgentGateway gateway = new AgentGateway() {
        @Override
        public TurnHandle submit(InboundMessage message, ReplySink sink) {
            messages.add(message);
            sinks.add(sink);
            return null;
        }

        @Override
        public int cancel(String sessionId) {
            return 0;
        }
    };

    CliChannel channel(PipedInputStream in) {
        CliChannel channel = new CliChannel(gateway, in, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), null);
        channel.daemon = new DaemonControl() {
            @Override
            public long pid() {
                return 1;
            }

            @Override
            public Instant startedAt() {
                return Instant.now();
            }

            @Override
            public Path home() {
                return Path.of("/tmp");
            }

            @Override
            public List<String> features() {
                return List.of("core");
            }

            @Override
            public boolean foreground() {
                return true;
            }

            @Override
            public void requestStop(String reason) {
                stops.add(reason);
            }
        };
        channel.start();
        return channel;
    }

    static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 200 && !condition.getAsBoolean(); i++) {
            Thread.sleep(25);
        }
        assertThat(condition.getAsBoolean()).isTrue();
    }

    @Test
    void everyLineStartingWithASlashIsACommandNeverAMessage() throws Exception {
        PipedOutputStream typing = new PipedOutputStream();
        CliChannel channel = channel(new PipedInputStream(typing));

        // multi-word commands once went to the model
        typing.write("/model list\n/session load notes\n/frobnicate now\nafter\n".getBytes(StandardCharsets.UTF_8));
        awaitTrue(() -> messages.size() == 1);

        assertThat(messages).extracting(InboundMessage::text).containsExactly("after");
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("openpista: model selection is not available")
                .contains("openpista: the agent is not running")
                .contains("openpista: unknown command /frobnicate; /help lists them");
        typing.close();
        channel.deactivate();
    }

    @Test
    void answersAndToolActivityCannotDriveTheTerminal() throws Exception {
        PipedOutputStream typing = new PipedOutputStream();
        CliChannel channel = channel(new PipedInputStream(typing));
        typing.write("hi\n".getBytes(StandardCharsets.UTF_8));
        awaitTrue(() -> messages.size() == 1);

        sinks.get(0).reply(AgentReply.answer("cli:local", "x\033]52;c;aGk=\007\033[2Jy"));

        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("x^[]52;c;aGk=^G^[[2Jy\n\n");
        typing.close();
        channel.deactivate();
    }

    @Test
    void linesAreMessagesToTheTerminalConversationAndAnswersArePrinted() throws Exception {
        PipedOutputStream typing = new PipedOutputStream();
        CliChannel channel = channel(new PipedInputStream(typing));

        typing.write("hello there\n\n".getBytes(StandardCharsets.UTF_8));
        awaitTrue(() -> messages.size() == 1);
        sinks.get(0).reply(AgentReply.answer("cli:local", "Hi!"));

        assertThat(messages.get(0).channel()).isEqualTo("cli");
        assertThat(messages.get(0).conversationKey()).isEqualTo("cli:local");
        assertThat(messages.get(0).sessionId()).isNull();
        assertThat(messages.get(0).text()).isEqualTo("hello there");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("Hi!\n\n");
        assertThat(channel.status()).contains("reading");
        typing.close();
        awaitTrue(() -> !channel.status().contains("reading"));
        assertThat(stops).isEmpty();
    }

    @Test
    void quitStopsTheDaemonAndNewStartsASession() throws Exception {
        PipedOutputStream typing = new PipedOutputStream();
        CliChannel channel = channel(new PipedInputStream(typing));
        channel.router = new SessionRouter() {
            @Override
            public String currentSession(String conversationKey) {
                return conversationKey;
            }

            @Override
            public String newSession(String conversationKey) {
                return conversationKey + ":2";
            }

            @Override
            public void switchSession(String conversationKey, String sessionId) {}
        };

        typing.write("/new\n/bogus\n/quit\n".getBytes(StandardCharsets.UTF_8));
        awaitTrue(() -> stops.size() == 1);

        assertThat(err.toString(StandardCharsets.UTF_8)).contains("new session cli:local:2").contains("unknown command /bogus");
        assertThat(stops).containsExactly("/quit on the terminal");
        assertThat(messages).isEmpty();
    }

    @Test
    void anApprovalQuestionIsAnsweredByTheNextLine() throws Exception {
        PipedOutputStream typing = new PipedOutputStream();
        channel(new PipedInputStream(typing));
        typing.write("run it\n".getBytes(StandardCharsets.UTF_8));
        awaitTrue(() -> messages.size() == 1);

        CompletableFuture<ApprovalDecision> decision = sinks.get(0)
                .requestApproval(new ApprovalRequest("cli:local", "cli", new ToolCall("c1", "system.run", "{\"command\":\"ls\"}")))
                .toCompletableFuture();
        typing.write("maybe\ny\n".getBytes(StandardCharsets.UTF_8));

        assertThat(decision.get(5, TimeUnit.SECONDS)).isEqualTo(ApprovalDecision.APPROVE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("wants to run system.run").contains("Please answer y, n or a");
        assertThat(messages).hasSize(1);
    }
}
