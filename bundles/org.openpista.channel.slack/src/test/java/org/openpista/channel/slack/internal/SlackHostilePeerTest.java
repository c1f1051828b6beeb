package org.openpista.channel.slack.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Web API client and the file downloads against a peer that misbehaves: a body that stalls after
 * the headers, an endless body. Neither may hang the channel or fill its heap.
 */
class SlackHostilePeerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    final CountDownLatch release = new CountDownLatch(1);
    final ExecutorService serverThreads = Executors.newCachedThreadPool();
    final HttpServer server;
    volatile Answer answer;

    @FunctionalInterface
    interface Answer {
        void write(HttpExchange exchange) throws IOException, InterruptedException;
    }

    SlackHostilePeerTest() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setExecutor(serverThreads);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            try {
                answer.write(exchange);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    @AfterEach
    void close() {
        release.countDown();
        server.stop(0);
        serverThreads.shutdownNow();
    }

    String root() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void stallAfterTheHeaders(HttpExchange exchange) throws IOException, InterruptedException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, 1000);
        exchange.getResponseBody().write("{\"ok\":true,".getBytes(StandardCharsets.US_ASCII));
        exchange.getResponseBody().flush();
        release.await(); // a dead peer: the rest never comes
    }

    static void endless(HttpExchange exchange) throws IOException {
        exchange.sendResponseHeaders(200, 0); // chunked, no end announced
        byte[] chunk = new byte[64 * 1024];
        Arrays.fill(chunk, (byte) ' ');
        OutputStream out = exchange.getResponseBody();
        for (long sent = 0; sent <= SlackFiles.MAX_BYTES + chunk.length; sent += chunk.length) {
            out.write(chunk);
        }
    }

    @Test
    void aBodyThatStallsAfterTheHeadersEndsWithTheTimeout() throws Exception {
        answer = this::stallAfterTheHeaders;
        try (SlackApi api = new SlackApi(root() + "/api", "xoxb-hostile", Duration.ofMillis(10), Duration.ofSeconds(1))) {
            long before = System.nanoTime();

            assertThatThrownBy(api::authTest).isInstanceOfSatisfying(SlackException.class,
                    e -> assertThat(e.getMessage()).contains("cannot reach Slack: no whole answer within 1 s"));

            assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void aTokenAHeaderCannotCarryIsRefusedWithoutShowingIt() {
        answer = exchange -> exchange.sendResponseHeaders(500, -1);
        try (SlackApi api = new SlackApi(root() + "/api", "xoxb-broken\nsecret", Duration.ofMillis(10))) {
            assertThatThrownBy(api::authTest).isInstanceOfSatisfying(SlackException.class, e -> {
                assertThat(e.refused()).isTrue();
                assertThat(e.getMessage()).contains(SlackApi.TOKEN_NOT_IN_HEADER).doesNotContain("secret\"")
                        .doesNotContain("xoxb-broken");
            });
            assertThatThrownBy(() -> api.post("C1", null, "hi", null)).isInstanceOf(SlackException.class)
                    .hasMessageNotContaining("xoxb-broken");
        }
    }

    @Test
    void anEndlessAnswerIsCutOffAtTheLimit() throws Exception {
        answer = SlackHostilePeerTest::endless;
        try (SlackApi api = new SlackApi(root() + "/api", "xoxb-hostile", Duration.ofMillis(10))) {
            assertThatThrownBy(api::authTest).isInstanceOfSatisfying(SlackException.class,
                    e -> assertThat(e.getMessage()).contains("the answer is larger than 16 MB"));
        }
    }

    @Test
    void aFileLargerThanAnnouncedIsCutOffAtTheLimit() throws Exception {
        answer = SlackHostilePeerTest::endless;
        try (SlackApi api = new SlackApi(root() + "/api", "xoxb-hostile", Duration.ofMillis(10))) {
            SlackFiles files = new SlackFiles(root() + "/api", "xoxb-hostile", api.http());

            assertThatThrownBy(() -> files.download(JSON.readTree("[{\"name\":\"a.bin\",\"size\":10,\"url_private\":\""
                    + root() + "/files/a.bin\"}]"))).isInstanceOfSatisfying(SlackException.class,
                            e -> assertThat(e.getMessage()).contains("\"a.bin\" is too large (the limit is 20 MB)"));
        }
    }
}
