package org.openpista.channel.telegram.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openpista.testkit.FakeTelegramServer;

/** getMe as telegram setup and status --check ask it, against the fake Bot API. */
class BotCheckTest {

    private static final String TOKEN = "7000000001:check-me_please";

    final FakeTelegramServer telegram = new FakeTelegramServer(TOKEN);

    @AfterEach
    void close() {
        telegram.close();
    }

    @Test
    void aValidTokenNamesTheBot() throws Exception {
        BotCheck check = BotCheck.getMe(telegram.apiUrl() + "/", TOKEN);

        assertThat(check.ok()).isTrue();
        assertThat(check.username()).isEqualTo(FakeTelegramServer.BOT_USERNAME);
        assertThat(telegram.calls("getMe")).hasSize(1);
    }

    @Test
    void aRefusedTokenSaysWhyWithoutTheToken() throws Exception {
        BotCheck check = BotCheck.getMe(telegram.apiUrl(), "7000000001:not-the-one");

        assertThat(check.ok()).isFalse();
        assertThat(check.problem()).startsWith("Telegram refused the token: HTTP 401").doesNotContain("not-the-one");
    }

    @Test
    void anUnreachableServerIsOneLine() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        BotCheck check = BotCheck.getMe("http://127.0.0.1:" + port, TOKEN);

        assertThat(check.ok()).isFalse();
        assertThat(check.problem()).startsWith("cannot reach http://127.0.0.1:" + port + ": ").doesNotContain(TOKEN)
                .doesNotContain("\n");
    }

    @Test
    void tokensAreRecognisedAndShownMasked() {
        assertThat(BotCheck.TOKEN.matcher(TOKEN).matches()).isTrue();
        assertThat(BotCheck.TOKEN.matcher("not a token").matches()).isFalse();
        assertThat(BotCheck.TOKEN.matcher("123:").matches()).isFalse();
        assertThat(BotCheck.masked(TOKEN)).isEqualTo("bot id 7000000001, secret part hidden");
        assertThat(BotCheck.masked("no-colon")).isEqualTo("secret part hidden");
    }
}
