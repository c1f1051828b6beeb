package org.openpista.channel.telegram.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.channel.support.HostilePeer;
import org.telegram.telegrambots.meta.api.methods.GetMe;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;

/**
 * The Bot API client against a peer that is not Telegram and misbehaves: a body that stalls after
 * the headers, an endless body, answers that are JSON but not the Bot API's. None may hang the bot,
 * fill its heap, end its polling or show its token.
 */
class HostilePeerTest {

    private static final String SECRET = "hostile-peer-secret";
    private static final String TOKEN = "4242:" + SECRET;

    @TempDir
    Path home;

    final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    final HostilePeer peer = new HostilePeer();
    final BotHttp http = new BotHttp();

    /** What the peer does with a call of a Bot API method (the last part of the path). */
    @FunctionalInterface
    interface Answer {
        void write(String method, HttpExchange exchange) throws IOException, InterruptedException;
    }

    HostilePeerTest() throws IOException {
        answer((method, exchange) -> json(exchange, "{\"ok\":true,\"result\":true}"));
    }

    /** @param next how the following calls are answered; every call is counted by method */
    void answer(Answer next) {
        peer.answer(exchange -> {
            String path = exchange.getRequestURI().getPath();
            String method = path.substring(path.lastIndexOf('/') + 1);
            calls.computeIfAbsent(method, name -> new AtomicInteger()).incrementAndGet();
            next.write(method, exchange);
        });
    }

    @AfterEach
    void close() {
        http.close();
        peer.close();
    }

    BotTransport transport() {
        return new BotTransport(http.calls(), TelegramSettings.telegramUrl(peer.root()),
                TOKEN);
    }

    static void json(HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    int calls(String method) {
        return calls.getOrDefault(method, new AtomicInteger()).get();
    }

    @Test
    void aBodyThatStallsAfterTheHeadersEndsWithTheRequestsTimeout() throws Exception {
        answer((method, exchange) -> peer.stallAfterTheHeaders(exchange, "{\"ok\":true,"));
        long before = System.nanoTime();

        TelegramApiException e = catchThrowableOfType(TelegramApiException.class,
                () -> transport().execute(new GetMe(), Duration.ofSeconds(1)));

        assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(10));
        assertThat(BotApi.problem(e)).isEqualTo("network error: no whole answer within 1 s").doesNotContain(SECRET);
        assertThat(BotApi.retryWait(e, new org.openpista.channel.support.Backoff(Duration.ofMillis(5), Duration.ofMillis(5))))
                .as("a timeout is retried").isPositive();
    }

    @Test
    void theSetupsCheckGivesUpOnABodyThatStalls() throws Exception {
        answer((method, exchange) -> peer.stallAfterTheHeaders(exchange, "{\"ok\":true,"));
        long before = System.nanoTime();

        BotCheck check = BotCheck.getMe(peer.root(), TOKEN, Duration.ofSeconds(1));

        assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(10));
        assertThat(check.ok()).isFalse();
        assertThat(check.problem()).endsWith(": no whole answer within 1 s").doesNotContain(SECRET);
    }

    @Test
    void anEndlessAnswerIsCutOffAtTheLimit() {
        answer((method, exchange) -> HostilePeer.endless(exchange, BotTransport.MAX_ANSWER));

        assertThatThrownBy(() -> transport().execute(new GetMe())).isInstanceOf(TelegramApiException.class)
                .satisfies(e -> assertThat(BotApi.problem((TelegramApiException) e))
                        .isEqualTo("network error: the answer is larger than 16 MB"));
    }

    @Test
    void jsonThatIsNotTheBotApisFailsAsAnUnreadableAnswer() {
        for (String body : new String[] {"{}", "{\"ok\":true}", "[]", "{\"ok\":true,\"result\":null}"}) {
            answer((method, exchange) -> json(exchange, body));

            assertThatThrownBy(() -> transport().execute(new GetMe())).as(body).isInstanceOf(TelegramApiException.class)
                    .satisfies(e -> assertThat(BotApi.retryWait((TelegramApiException) e, null)).isEqualTo(-1));
        }
    }

    @Test
    void pollingGoesOnAfterAPollAnswerWithoutResult() throws Exception {
        AtomicInteger polls = new AtomicInteger();
        answer((method, exchange) -> {
            if (!method.equalsIgnoreCase("getUpdates")) {
                json(exchange, "{\"ok\":true,\"result\":true}");
            } else if (polls.incrementAndGet() == 1) {
                json(exchange, "{\"ok\":true}");
            } else {
                Thread.sleep(200);
                json(exchange, "{\"ok\":true,\"result\":[]}");
            }
        });
        try (Poller poller = new Poller(transport().onOwnCalls(), 1, new OffsetStore(home.resolve("offset")), update -> {},
                Duration.ofMillis(50), () -> {}, id -> false)) {
            poller.start();

            PollerTest.await(() -> polls.get() >= 3);

            assertThat(calls("deleteWebhook")).isEqualTo(1);
            assertThat(poller.lastProblem()).isNull();
        }
    }

    @Test
    void aPollAnswerOfTheWrongKindIsShownAsUnreadable() throws Exception {
        answer((method, exchange) -> json(exchange, "{\"ok\":true,\"result\":true}"));
        try (Poller poller = new Poller(transport().onOwnCalls(), 1, new OffsetStore(home.resolve("offset")), update -> {},
                Duration.ofMillis(50), () -> {}, id -> false)) {
            poller.start();

            PollerTest.await(() -> calls("getupdates") >= 2);

            assertThat(poller.lastProblem()).startsWith("unreadable answer: Cannot deserialize").doesNotContain("\n");
        }
    }

    @Test
    void aTokenThatCannotBePartOfAUrlIsNeverShown() {
        BotTransport spaced = new BotTransport(http.calls(),
                TelegramSettings.telegramUrl(peer.root()), "4242:has space");

        TelegramApiException e = catchThrowableOfType(TelegramApiException.class, () -> spaced.execute(new GetMe()));

        assertThat(BotApi.describe("getMe", e)).isEqualTo("getMe: " + BotTransport.TOKEN_NOT_IN_URL);
        assertThat(BotApi.retryWait(e, null)).isEqualTo(-1);
    }

    @Test
    void aNetworkErrorNeverShowsTheToken() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        BotTransport refused = new BotTransport(http.calls(), TelegramSettings.telegramUrl("http://127.0.0.1:" + closedPort),
                TOKEN);

        TelegramApiException e = catchThrowableOfType(TelegramApiException.class, () -> refused.execute(new GetMe()));

        assertThat(BotApi.describe("getMe", e)).startsWith("getMe: network error").doesNotContain(SECRET);
    }
}
