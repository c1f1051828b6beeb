package org.openpista.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.channel.AgentGateway;
import org.openpista.api.channel.AgentReply;
import org.openpista.api.channel.InboundMessage;
import org.openpista.api.channel.ProgressEvent;
import org.openpista.api.channel.ReplySink;
import org.openpista.api.channel.TurnHandle;

/**
 * {@code openpista:send} over the admin socket and Felix's real Gogo runtime: the answer on
 * stdout, the tools it runs on stderr, failures as a non-zero status with one line.
 */
class SessionCommandsTest {

    @TempDir
    Path home;

    final ThreadIOImpl threadIo = new ThreadIOImpl();
    final SessionCommands commands = new SessionCommands();
    final List<InboundMessage> submitted = new CopyOnWriteArrayList<>();
    CommandProcessorImpl processor;
    AdminSocketServer server;

    /** Answers every message at once, after reporting one tool run and one tool failure. */
    final class AnsweringGateway implements AgentGateway {
        final boolean failing;

        AnsweringGateway(boolean failing) {
            this.failing = failing;
        }

        @Override
        public TurnHandle submit(InboundMessage message, ReplySink sink) {
            submitted.add(message);
            sink.progress(new ProgressEvent(message.sessionId(), ProgressEvent.Kind.TOOL_STARTED, "system.run", "c1", "ls"));
            sink.progress(new ProgressEvent(message.sessionId(), ProgressEvent.Kind.TOOL_FAILED, "system.run", "c1", "exit 2"));
            AgentReply reply = failing ? AgentReply.failure(message.sessionId(), "the provider refused the key")
                    : AgentReply.answer(message.sessionId(), "you said " + message.text());
            sink.reply(reply);
            return new TurnHandle() {
                @Override
                public String sessionId() {
                    return message.sessionId();
                }

                @Override
                public CompletionStage<AgentReply> completion() {
                    return CompletableFuture.completedFuture(reply);
                }

                @Override
                public boolean cancel() {
                    return false;
                }
            };
        }

        @Override
        public int cancel(String sessionId) {
            return 0;
        }
    }

    @BeforeEach
    void start() throws Exception {
        threadIo.start();
        processor = new CommandProcessorImpl(threadIo);
        processor.addCommand("openpista", commands, "send");
        processor.addCommand("openpista", commands, "history");
        server = new AdminSocketServer(processor, home.resolve("admin.sock"), 4);
    }

    @AfterEach
    void stop() {
        server.deactivate();
        processor.stop();
        threadIo.stop();
    }

    String run(String command) throws Exception {
        try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(home.resolve("admin.sock")))) {
            return AdminSocketServerTest.run(client, command);
        }
    }

    @Test
    void theAnswerGoesToStdoutAndTheToolsToStderr() throws Exception {
        commands.gateway = new AnsweringGateway(false);

        assertThat(run("openpista:send s1 'hello there'")).isEqualTo("0|you said hello there\n|» system.run ls\n  ✗ exit 2\n");
        assertThat(submitted).singleElement().satisfies(message -> {
            assertThat(message.channel()).isEqualTo("shell");
            assertThat(message.sessionId()).isEqualTo("s1");
        });
    }

    @Test
    void aFailedTurnAnEmptyMessageAndMissingServicesAreOneLineErrors() throws Exception {
        assertThat(run("openpista:send s1 hello")).isEqualTo("1||the agent core is not running\n");
        assertThat(run("openpista:history s1")).isEqualTo("1||the conversation memory is not running\n");

        commands.gateway = new AnsweringGateway(true);
        assertThat(run("openpista:send s1 '  '")).isEqualTo("1||the message is empty\n");
        assertThat(run("openpista:send s1 hello")).startsWith("1|").endsWith("|» system.run ls\n  ✗ exit 2\nthe provider refused the key\n");
        assertThat(submitted).hasSize(1);
    }
}
