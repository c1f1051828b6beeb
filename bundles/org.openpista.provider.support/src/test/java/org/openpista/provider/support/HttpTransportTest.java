package org.openpista.provider.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openpista.api.chat.Cancellation;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.llm.ProviderException.Kind;

/** The transport against a real HTTP server on 127.0.0.1. */
class HttpTransportTest {

    private static final String SECRET = "sk-transport-secret";

    private final ExecutorService executor = Executors.newCachedThreadPool();
    /** Holds stalled answers until the test ends. */
    private final CountDownLatch release = new CountDownLatch(1);
    /** What the server received: method, protocol, path, headers and body. */
    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    /** The client ports of the requests to /stream, one per connection. */
    private final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
    private HttpServer server;
    private HttpFailures failures;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/lines", exchange -> answer(exchange, 200, Map.of("x-extra", "1"), "first\nsecond\n\nthird"));
        server.createContext("/events", exchange -> answer(exchange, 200, Map.of("content-type", "text/event-stream"),
                "event: a\ndata: 1\n\n: comment\ndata: 2\n\ndata: 3"));
        server.createContext("/stream", exchange -> {
            record(exchange);
            clientPorts.add(exchange.getRemoteAddress().getPort());
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write("data: 1\n\ndata: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
                body.flush();
            }
        });
        server.createContext("/limited", exchange -> answer(exchange, 429, Map.of("retry-after", "3"), "{\"error\":\"slow down\"}"));
        server.createContext("/stall-head", exchange -> {
            record(exchange);
            await();
        });
        server.createContext("/stall-body", exchange -> {
            record(exchange);
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write("one\n".getBytes(StandardCharsets.UTF_8));
                body.flush();
                await();
            }
        });
        server.start();
        failures = new HttpFailures(host(), "the test server at " + host(), () -> SECRET);
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    private String host() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    private URI uri(String path) {
        return URI.create("http://" + host() + path);
    }

    private void record(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        received.add(exchange.getRequestMethod() + " " + exchange.getProtocol() + " " + exchange.getRequestURI().getPath()
                + " content-type=" + exchange.getRequestHeaders().getFirst("content-type")
                + " x-key=" + exchange.getRequestHeaders().getFirst("x-key") + " body=" + body);
    }

    private void answer(HttpExchange exchange, int status, Map<String, String> headers, String body) throws IOException {
        record(exchange);
        headers.forEach(exchange.getResponseHeaders()::add);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private void await() {
        try {
            release.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void sendsTheRequestAndReadsTheAnswerLineByLine() throws Exception {
        HttpTransport transport = new HttpTransport(Duration.ofSeconds(10));

        try (HttpTransport.Exchange exchange = transport.open(uri("/lines"), Map.of("x-key", SECRET), "{\"q\":1}",
                Cancellation.none(), failures)) {
            assertThat(exchange.status()).isEqualTo(200);
            assertThat(exchange.headers().firstValue("x-extra")).contains("1");
            assertThat(exchange.nextLine()).isEqualTo("first");
            assertThat(exchange.readAll()).isEqualTo("second\n\nthird");
            assertThat(exchange.nextLine()).isNull();
        }

        // plain http goes out as HTTP/1.1, without an h2c upgrade
        assertThat(received.poll(10, TimeUnit.SECONDS))
                .isEqualTo("POST HTTP/1.1 /lines content-type=application/json x-key=" + SECRET + " body={\"q\":1}");
    }

    @Test
    void aGetHasNoBody() throws Exception {
        try (HttpTransport.Exchange exchange = new HttpTransport(Duration.ofSeconds(10))
                .open(uri("/lines"), Map.of(), null, Cancellation.none(), failures)) {
            exchange.requireSuccess((status, body) -> new ProviderException(Kind.SERVER, "not expected"));
        }

        assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("GET HTTP/1.1 /lines content-type=null x-key=null body=");
    }

    @Test
    void anErrorStatusBecomesTheVendorsFailureWithTheResponseHeaders() throws Exception {
        List<String> mapped = new ArrayList<>();
        HttpTransport transport = new HttpTransport(Duration.ofSeconds(10));

        Retrier.Failure failure;
        try (HttpTransport.Exchange exchange = transport.open(uri("/limited"), Map.of(), "{}", Cancellation.none(), failures)) {
            failure = catchThrowableOfType(Retrier.Failure.class, () -> exchange.requireSuccess((status, body) -> {
                mapped.add(status + " " + body);
                return new ProviderException(Kind.RATE_LIMITED, status, "rate limited", null);
            }));
        }

        assertThat(mapped).containsExactly("429 {\"error\":\"slow down\"}");
        assertThat(failure.error().getMessage()).isEqualTo("rate limited");
        assertThat(failure.retryable()).isTrue();
        assertThat(Retrier.retryAfter(failure.headers())).contains(Duration.ofSeconds(3));
    }

    @Test
    void handsEventsToAReaderUntilItIsDone() throws Exception {
        Reader reader = new Reader(1, false, false);
        Reader toTheEnd = new Reader(99, false, false);

        try (HttpTransport.Exchange exchange = new HttpTransport(Duration.ofSeconds(10))
                .open(uri("/events"), Map.of(), null, Cancellation.none(), failures)) {
            exchange.read(reader);
            assertThat(exchange.nextLine()).as("the rest is left unread").isEqualTo(": comment");
        }
        try (HttpTransport.Exchange exchange = new HttpTransport(Duration.ofSeconds(10))
                .open(uri("/events"), Map.of(), null, Cancellation.none(), failures)) {
            exchange.read(toTheEnd);
        }

        assertThat(reader.events).containsExactly("a=1");
        // the last event lacks its blank line: handed over when the body ends
        assertThat(toTheEnd.events).containsExactly("a=1", "=2", "=3");
    }

    @Test
    void aStreamReadToItsLastEventLeavesItsConnectionToTheNextRequests() throws Exception {
        HttpTransport transport = new HttpTransport(Duration.ofSeconds(10));

        for (int i = 0; i < 30; i++) {
            Reader reader = new Reader(2, false, false);
            try (HttpTransport.Exchange exchange = transport.open(uri("/stream"), Map.of(), "{}", Cancellation.none(), failures)) {
                exchange.read(reader);
            }
            assertThat(reader.events).containsExactly("=1", "=[DONE]");
        }

        // aborting an answer that had ended closed the connection the next request had just taken from the pool
        assertThat(clientPorts).as("one kept-alive connection").hasSize(1);
    }

    @Test
    void aRequestOnAKeptAliveConnectionTheServerClosesUnansweredGoesOutAgain() throws Exception {
        try (ServerSocket closing = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            // the first connection answers one request, then closes as the second arrives, as servers do with idle ones
            Future<?> peer = executor.submit(() -> {
                try (Socket first = closing.accept()) {
                    readRequest(first);
                    first.getOutputStream().write("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
                    readRequest(first);
                }
                try (Socket second = closing.accept()) {
                    readRequest(second);
                    second.getOutputStream().write("HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nagain".getBytes(StandardCharsets.US_ASCII));
                    second.getOutputStream().flush();
                }
                return null;
            });
            HttpTransport transport = new HttpTransport(Duration.ofSeconds(10));
            URI uri = URI.create("http://127.0.0.1:" + closing.getLocalPort() + "/chat");

            List<String> answers = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                try (HttpTransport.Exchange exchange = transport.open(uri, Map.of(), "{}", Cancellation.none(), failures)) {
                    answers.add(exchange.readAll());
                }
            }

            assertThat(answers).containsExactly("ok", "again");
            peer.get(10, TimeUnit.SECONDS);
        }
    }

    /** Reads one request's head and body off the socket; nothing when the client closed it. */
    private static void readRequest(Socket socket) throws IOException {
        var in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        for (int b; !head.toString().endsWith("\r\n\r\n") && (b = in.read()) != -1; ) {
            head.append((char) b);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).strip());
            }
        }
        in.readNBytes(length);
    }

    @Test
    void concurrentStreamsReadToTheirLastEventAllSucceed() throws Exception {
        HttpTransport transport = new HttpTransport(Duration.ofSeconds(10));
        ExecutorService clients = Executors.newFixedThreadPool(8);
        List<Future<Integer>> results = new ArrayList<>();

        for (int c = 0; c < 8; c++) {
            results.add(clients.submit(() -> {
                int answered = 0;
                for (int i = 0; i < 100; i++) {
                    Reader reader = new Reader(2, false, false);
                    try (HttpTransport.Exchange exchange = transport.open(uri("/stream"), Map.of(), "{}", Cancellation.none(),
                            failures)) {
                        exchange.read(reader);
                    }
                    answered += reader.events.size() / 2;
                }
                return answered;
            }));
        }
        int answered = 0;
        for (Future<Integer> result : results) {
            answered += result.get(60, TimeUnit.SECONDS);
        }
        clients.shutdown();

        assertThat(answered).isEqualTo(800);
    }

    @Test
    void aRetryableFailureInTheStreamIsRetriedOnlyBeforeTextWasForwarded() throws Exception {
        HttpTransport transport = new HttpTransport(Duration.ofSeconds(10));

        Retrier.Failure early;
        try (HttpTransport.Exchange exchange = transport.open(uri("/events"), Map.of(), null, Cancellation.none(), failures)) {
            early = catchThrowableOfType(Retrier.Failure.class, () -> exchange.read(new Reader(99, true, false)));
        }
        ProviderException late;
        try (HttpTransport.Exchange exchange = transport.open(uri("/events"), Map.of(), null, Cancellation.none(), failures)) {
            late = catchThrowableOfType(ProviderException.class, () -> exchange.read(new Reader(99, true, true)));
        }

        assertThat(early.error().getMessage()).isEqualTo("overloaded at 3");
        assertThat(early.retryable()).isTrue();
        assertThat(late.getMessage()).isEqualTo("overloaded at 3");
    }

    @Test
    void timesOutWaitingForTheAnswerAndForTheNextLine() throws Exception {
        HttpTransport transport = new HttpTransport(Duration.ofSeconds(1));

        ProviderException head = catchThrowableOfType(ProviderException.class,
                () -> transport.open(uri("/stall-head"), Map.of(), null, Cancellation.none(), failures));
        ProviderException body;
        try (HttpTransport.Exchange exchange = transport.open(uri("/stall-body"), Map.of(), null, Cancellation.none(), failures)) {
            assertThat(exchange.nextLine()).isEqualTo("one");
            body = catchThrowableOfType(ProviderException.class, exchange::nextLine);
        }

        assertThat(head.kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(head.getMessage()).isEqualTo("no answer from " + host() + " within 1 s");
        assertThat(body.kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(body.getMessage()).isEqualTo(host() + " sent nothing for 1 s");
    }

    @Test
    void stopsWaitingAtOnceWhenTheTurnIsCancelled() throws Exception {
        Cancellation cancellation = new Cancellation();
        HttpTransport transport = new HttpTransport(Duration.ofSeconds(60));

        Future<?> waiting = executor.submit(() -> {
            try (HttpTransport.Exchange exchange = transport.open(uri("/stall-body"), Map.of(), null, cancellation, failures)) {
                exchange.nextLine();
                return exchange.nextLine();
            }
        });
        assertThat(received.poll(10, TimeUnit.SECONDS)).startsWith("GET HTTP/1.1 /stall-body");
        cancellation.cancel();

        ExecutionException e = catchThrowableOfType(ExecutionException.class, () -> waiting.get(20, TimeUnit.SECONDS));
        assertThat(e.getCause()).isInstanceOf(ProviderException.class);
        assertThat(((ProviderException) e.getCause()).kind()).isEqualTo(Kind.CANCELLED);
        assertThat(e.getCause().getMessage()).isEqualTo("the request was cancelled");
    }

    @Test
    void stopsWaitingWhenTheThreadIsInterruptedAndKeepsTheInterrupt() throws Exception {
        HttpTransport transport = new HttpTransport(Duration.ofSeconds(60));
        BlockingQueue<Object> outcome = new LinkedBlockingQueue<>();

        Future<?> waiting = executor.submit(() -> {
            try {
                transport.open(uri("/stall-head"), Map.of(), null, Cancellation.none(), failures).close();
                outcome.add("answered");
            } catch (ProviderException e) {
                outcome.add(e);
            }
            outcome.add(Thread.currentThread().isInterrupted());
        });
        assertThat(received.poll(10, TimeUnit.SECONDS)).startsWith("GET HTTP/1.1 /stall-head");
        waiting.cancel(true);

        Object failure = outcome.poll(20, TimeUnit.SECONDS);
        assertThat(failure).isInstanceOf(ProviderException.class);
        assertThat(((ProviderException) failure).getMessage()).isEqualTo("the request was interrupted");
        assertThat(outcome.poll(20, TimeUnit.SECONDS)).isEqualTo(true);
    }

    @Test
    void aRefusedConnectionNamesThePeer() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        URI closed = URI.create("http://127.0.0.1:" + port + "/v1/messages");

        ProviderException e = catchThrowableOfType(ProviderException.class,
                () -> new HttpTransport(Duration.ofSeconds(10)).open(closed, Map.of(), "{}", Cancellation.none(), failures));

        assertThat(e.kind()).isEqualTo(Kind.NETWORK);
        assertThat(e.getMessage()).isEqualTo("cannot reach the test server at " + host() + ": connection refused");
    }

    @Test
    void anAlreadyCancelledTurnGetsNoAnswer() {
        Cancellation cancelled = new Cancellation();
        cancelled.cancel();

        ProviderException e = catchThrowableOfType(ProviderException.class,
                () -> new HttpTransport(Duration.ofSeconds(10)).open(uri("/lines"), Map.of(), null, cancelled, failures));

        assertThat(e.kind()).isEqualTo(Kind.CANCELLED);
    }

    /** Records events; finishes after {@code limit} of them; reports an overload at event {@code 3} when told to. */
    private static final class Reader implements EventReader {
        final List<String> events = new ArrayList<>();
        private final int limit;
        private final boolean overloadAt3;
        private final boolean forwarded;

        Reader(int limit, boolean overloadAt3, boolean forwarded) {
            this.limit = limit;
            this.overloadAt3 = overloadAt3;
            this.forwarded = forwarded;
        }

        @Override
        public void event(String name, String data) throws ProviderException {
            events.add(name + "=" + data);
            if (overloadAt3 && data.equals("3")) {
                throw new ProviderException(Kind.SERVER, 529, "overloaded at 3", null);
            }
        }

        @Override
        public boolean finished() {
            return events.size() >= limit;
        }

        @Override
        public boolean forwardedText() {
            return forwarded;
        }
    }
}
