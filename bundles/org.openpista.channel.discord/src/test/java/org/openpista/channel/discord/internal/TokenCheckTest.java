package org.openpista.channel.discord.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openpista.testkit.FakeDiscordServer;

/** {@code GET /users/@me} for discord setup and status: one line for every outcome, never the token. */
class TokenCheckTest {

    private static final String SECRET = DiscordConfigs.TOKEN.substring(DiscordConfigs.TOKEN.lastIndexOf('.') + 1);

    final FakeDiscordServer discord = new FakeDiscordServer(DiscordConfigs.TOKEN);

    @AfterEach
    void stop() {
        discord.close();
    }

    @Test
    void theBotOrWhyNot() throws Exception {
        assertThat(TokenCheck.usersMe(discord.apiUrl(), DiscordConfigs.TOKEN))
                .isEqualTo(new TokenCheck(true, FakeDiscordServer.BOT_NAME, FakeDiscordServer.BOT_ID, ""));
        String wrong = "MTEwMDAwMDAwMDAwMDAwMDAwMQ.Gwrong.not-the-token";
        assertThat(TokenCheck.usersMe(discord.apiUrl(), wrong).problem()).startsWith("Discord refused the token: HTTP 401")
                .doesNotContain("not-the-token");

        int closed;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = probe.getLocalPort();
        }
        assertThat(TokenCheck.usersMe("http://127.0.0.1:" + closed + "/api/v10", DiscordConfigs.TOKEN).problem())
                .isEqualTo("cannot reach http://127.0.0.1:" + closed + "/api/v10: cannot connect");
    }

    @Test
    void anAnswerWhoseBodyStallsEndsWithinTheTimeout() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread peer = new Thread(() -> DiscordRestTest.stall(server), "stalling peer");
            peer.setDaemon(true);
            peer.start();
            String api = "http://127.0.0.1:" + server.getLocalPort() + "/api/v10";
            TokenCheck check = assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> TokenCheck.usersMe(api, DiscordConfigs.TOKEN, Duration.ofMillis(500)));
            assertThat(check.problem()).isEqualTo("cannot reach " + api + ": no whole answer within 0.5 s")
                    .doesNotContain(SECRET);
            peer.interrupt();
        }
    }
}
