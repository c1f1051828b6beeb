package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.testkit.FakeOpenAiServer;
import org.openpista.testkit.FakeReply;
import org.openpista.testkit.FakeTelegramServer;

/**
 * The terminal UI attached to a running daemon (tmux, the real distribution, the testkit's fake
 * OpenAI server): a message sent from a web client to the session appears on the terminal with its
 * answer, and so does one sent from Telegram (the testkit's fake Bot API) to the session the
 * terminal shows; a message typed in the terminal runs in the daemon (the web client sees it answered);
 * when the daemon stops, the TUI says so and goes on in its own process. A daemon without the web
 * chat is not attached to, and the status line says why.
 */
class TuiAttachIT {

    @TempDir
    Path home;

    FakeOpenAiServer fake;
    int port;

    @BeforeEach
    void setUp() throws Exception {
        TmuxPane.assumeTmux();
        fake = new FakeOpenAiServer();
        port = WebDaemon.freePort();
    }

    @AfterEach
    void tearDown() {
        fake.close();
    }

    void config(String web) throws Exception {
        Files.writeString(home.resolve("config.toml"), """
                [agent]
                provider = "openai"
                model = "test-model"
                base_url = "%s"
                api_key = "sk-test"
                approval = "auto"

                [channels.web]
                port = %d
                %s
                """.formatted(fake.baseUrl(), port, web));
    }

    TmuxPane openpista(String args) throws Exception {
        String command = DistributionProcess.dist().resolve("bin/openpista") + " " + args + "; status=$?; (exit $status)";
        return TmuxPane.start(home, 100, 30, Map.of(), command);
    }

    @Test
    void aWebMessageAppearsOnTheTerminalAndTheTerminalsTurnsRunInTheDaemon() throws Exception {
        config("token = \"attach-it-token-0123456789\"");
        fake.enqueue(FakeReply.text("answer for the web"), FakeReply.text("the daemon answered the terminal"),
                FakeReply.text("answered in the terminal's own process"));
        try (WebDaemon daemon = WebDaemon.start(home, port, Map.of(), "start", "--foreground");
                TmuxPane tui = openpista("-s shared")) {
            String attached = tui.await("attached · daemon " + daemon.process.pid());
            assertThat(attached).contains("shared");

            try (WebChatIT.Client web = WebChatIT.Client.connect(URI.create("ws://127.0.0.1:" + port
                    + "/ws?token=attach-it-token-0123456789&client_id=it-browser&session_id=shared"))) {
                web.next("session_history");
                web.send(WebChatIT.JSON.createObjectNode().put("type", "message").put("content", "hello from the web"));
                String seen = tui.await("answer for the web");
                assertThat(seen).contains("hello from the web");

                tui.type("typed in the terminal");
                tui.keys("Enter");
                JsonNode echo = web.next("user_message");
                assertThat(echo.path("content").asText()).isEqualTo("typed in the terminal");
                JsonNode answer = web.next("response");
                assertThat(answer.path("content").asText()).as("the turn ran in the daemon")
                        .isEqualTo("the daemon answered the terminal");
                tui.await("the daemon answered the terminal");
            }
            assertThat(fake.lastRequest().body()).contains("hello from the web").contains("typed in the terminal");

            // /whatsapp asks the daemon for the pairing: this one runs no WhatsApp
            tui.type("/whatsapp");
            tui.keys("Enter");
            assertThat(tui.await("State: unavailable")).contains("the whatsapp channel does not run here");
            tui.keys("Escape");
            tui.await(screen -> !screen.contains("State: unavailable"), "the pairing box closed");

            assertThat(daemon.stop()).isIn(0, 143);
            String gone = tui.await("in-process · daemon gone");
            assertThat(gone).contains("the daemon closed the connection").contains("The agent runs in this process");
            tui.type("after the daemon");
            tui.keys("Enter");
            tui.await("answered in the terminal's own process");
            tui.type("/quit");
            tui.keys("Enter");
            tui.await("EXIT 0");
        }
    }

    @Test
    void aTelegramMessageToTheAttachedSessionAppearsOnTheTerminalWithItsAnswer() throws Exception {
        long alice = 1001;
        try (FakeTelegramServer telegram = new FakeTelegramServer("7000000001:attach-it-bot-token")) {
            config("""
                    token = "attach-it-token-0123456789"

                    [channels.telegram]
                    enabled = true
                    token = "%s"
                    api_url = "%s"
                    allowed_users = [%d]
                    """.formatted(telegram.token(), telegram.apiUrl(), alice));
            fake.enqueue(FakeReply.text("the answer reached **Telegram** and the terminal"));
            try (WebDaemon daemon = WebDaemon.start(home, port, Map.of(), "start", "--foreground");
                    TmuxPane tui = openpista("-s telegram:" + alice)) {
                tui.await("attached · daemon " + daemon.process.pid());
                DaemonIT.await("the bot polls", Duration.ofSeconds(60), () -> telegram.pollsStarted() > 0);

                telegram.userSends(alice, "hello from telegram");
                String seen = tui.await("the answer reached Telegram and the terminal");
                assertThat(seen).contains("hello from telegram").contains("(telegram)");
                assertThat(telegram.awaitBotMessages(alice, 1, Duration.ofSeconds(60)).get(0).text())
                        .contains("the answer reached");
                String settled = tui.await(screen -> !screen.contains("Esc cancels"), "the turn ended on the terminal");
                assertThat(settled.split("the answer reached Telegram", -1)).as("the answer is shown once").hasSize(2);
                assertThat(settled.split("hello from telegram", -1)).as("the message is shown once").hasSize(2);

                tui.type("/quit");
                tui.keys("Enter");
                tui.await("EXIT 0");
            }
        }
    }

    @Test
    void aDaemonWithoutTheWebChatIsNotAttachedAndTheStatusLineSaysWhy() throws Exception {
        config("enabled = false");
        fake.enqueue(FakeReply.text("answered here"));
        try {
            DistributionProcess.Result started = DistributionProcess.run(home, Map.of(), "start");
            assertThat(started.exitCode()).as(started.toString()).isZero();
            try (TmuxPane tui = openpista("")) {
                String screen = tui.await("in-process · daemon has no web chat");
                assertThat(screen).contains("openai · test-model");
                tui.type("still works");
                tui.keys("Enter");
                tui.await("answered here");
                tui.type("/quit");
                tui.keys("Enter");
                tui.await("EXIT 0");
            }
        } finally {
            DistributionProcess.stopDaemon(home);
        }
    }
}
