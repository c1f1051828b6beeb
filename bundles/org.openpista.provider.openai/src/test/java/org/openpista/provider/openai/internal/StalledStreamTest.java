package org.openpista.provider.openai.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openpista.api.chat.Cancellation;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.llm.ChatRequest;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.llm.ProviderException.Kind;
import org.openpista.provider.support.Retrier;

/**
 * A server that starts a Chat Completions stream and then goes quiet, which the scripted fake
 * cannot do: the provider must give up after the timeout, or stop at once when the turn is
 * cancelled, instead of waiting for the rest.
 */
class StalledStreamTest {

    private static final String FIRST_CHUNK = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
            + "\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hel\"},"
            + "\"finish_reason\":null}]}";

    private final CountDownLatch released = new CountDownLatch(1);
    private final CountDownLatch connectionGone = new CountDownLatch(1);
    private HttpServer server;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/v1/chat/completions", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().set("content-type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            out.write(("data: " + FIRST_CHUNK + "\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            try {
                released.await(20, TimeUnit.SECONDS);
                // keep writing: once the client closed the connection, a write fails
                for (int i = 0; i < 50; i++) {
                    out.write(": still thinking\n\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    Thread.sleep(20);
                }
            } catch (IOException gone) {
                connectionGone.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        released.countDown();
        server.stop(0);
    }

    @Test
    void givesUpOnAStreamThatStopsSending() throws InterruptedException {
        List<String> deltas = new CopyOnWriteArrayList<>();

        ProviderException error = catchThrowableOfType(ProviderException.class,
                () -> provider(Duration.ofMillis(300)).chat(request(Cancellation.none()), deltas::add));

        assertThat(deltas).containsExactly("Hel");
        assertThat(error.kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(error.getMessage()).isEqualTo("OpenAI at 127.0.0.1:" + server.getAddress().getPort() + " sent nothing for 300 ms");
        released.countDown();
        assertThat(connectionGone.await(10, TimeUnit.SECONDS)).as("the provider closed the connection").isTrue();
    }

    @Test
    void stopsAtOnceWhenCancelledMidStream() throws InterruptedException {
        Cancellation cancellation = Cancellation.none();
        List<String> deltas = new CopyOnWriteArrayList<>();

        // a minute of patience: only the cancellation can end this quickly
        ProviderException error = catchThrowableOfType(ProviderException.class,
                () -> provider(Duration.ofSeconds(60)).chat(request(cancellation), delta -> {
                    deltas.add(delta);
                    cancellation.cancel();
                }));

        assertThat(deltas).containsExactly("Hel");
        assertThat(error.kind()).isEqualTo(Kind.CANCELLED);
        released.countDown();
        assertThat(connectionGone.await(10, TimeUnit.SECONDS)).as("the provider closed the connection").isTrue();
    }

    private OpenAiProvider provider(Duration timeout) {
        Settings settings = new Settings("test", "openai", "http://127.0.0.1:" + server.getAddress().getPort() + "/v1",
                "sk-test", "", 3, timeout, true);
        return new OpenAiProvider(settings, new Retrier(3, Duration.ofMillis(10), Duration.ofSeconds(1), (wait, c) -> { }));
    }

    private static ChatRequest request(Cancellation cancellation) {
        return new ChatRequest("", "", List.of(ChatMessage.user("hi")), List.of(), 0, cancellation);
    }
}
