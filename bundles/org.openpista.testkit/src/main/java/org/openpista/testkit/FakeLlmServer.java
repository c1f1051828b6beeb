package org.openpista.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * Base of the fake LLM servers: an HTTP server on 127.0.0.1 with an ephemeral port, a queue of
 * scripted {@link FakeReply replies} consumed one per chat request, a fallback for when the queue
 * is empty, and a record of every request received. Subclasses render replies in their vendor's
 * wire format.
 */
public abstract class FakeLlmServer implements AutoCloseable {

    private final LoopbackHttpServer server;
    private final Deque<FakeReply> script = new ConcurrentLinkedDeque<>();
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private volatile Function<RecordedRequest, FakeReply> fallback = request -> FakeReply.error(
            500, "the fake LLM server has no scripted reply left for " + request.path());

    /** Starts the server on 127.0.0.1 with an ephemeral port. */
    protected FakeLlmServer() {
        this(0);
    }

    /**
     * Starts the server on 127.0.0.1.
     *
     * @param port the port, or 0 for an ephemeral one
     */
    protected FakeLlmServer(int port) {
        server = new LoopbackHttpServer(getClass().getSimpleName(), port, this::dispatch);
    }

    /** @return the API root to configure as {@code base_url}, for example {@code http://127.0.0.1:1234/v1} */
    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + port() + "/v1");
    }

    /** @return the port the server listens on */
    public int port() {
        return server.port();
    }

    /** Appends replies to the script; each chat request consumes the first one left. */
    public FakeLlmServer enqueue(FakeReply... replies) {
        script.addAll(List.of(replies));
        return this;
    }

    /** Sets what to answer once the script is used up (default: a 500 error saying so). */
    public FakeLlmServer fallback(Function<RecordedRequest, FakeReply> answer) {
        this.fallback = answer;
        return this;
    }

    /** Answers every unscripted request by looking at its content, see {@link EchoScript}. */
    public FakeLlmServer echoFallback() {
        return fallback(request -> EchoScript.reply(turns(request.json())));
    }

    /** @return the chat requests received so far, oldest first */
    public List<RecordedRequest> requests() {
        List<RecordedRequest> chats = new ArrayList<>();
        for (RecordedRequest request : requests) {
            if (isChatRequest(request)) {
                chats.add(request);
            }
        }
        return chats;
    }

    /** @return every request received, chat or not */
    public List<RecordedRequest> allRequests() {
        return List.copyOf(requests);
    }

    /** @return the most recent chat request */
    public RecordedRequest lastRequest() {
        List<RecordedRequest> chats = requests();
        if (chats.isEmpty()) {
            throw new AssertionError("the fake LLM server received no chat request");
        }
        return chats.get(chats.size() - 1);
    }

    /** @return how many scripted replies are left */
    public int remaining() {
        return script.size();
    }

    /** Forgets the script and the recorded requests. */
    public void reset() {
        script.clear();
        requests.clear();
    }

    @Override
    public void close() {
        server.close();
    }

    /** @return whether the request is a chat request that consumes a scripted reply */
    protected abstract boolean isChatRequest(RecordedRequest request);

    /**
     * Refuses a chat request the real API would refuse (bad credentials, malformed body), by
     * answering it with the vendor's error. A refused request leaves the script alone, so the reply
     * meant for it still answers the next, correct request. The default refuses nothing.
     *
     * @return whether the request was refused and answered
     * @throws IOException when writing fails
     */
    protected boolean refuse(HttpExchange exchange, RecordedRequest request) throws IOException {
        return false;
    }

    /**
     * Writes the reply in the vendor's wire format, streamed when the request asked for it.
     *
     * @param exchange the exchange to answer
     * @param request the request
     * @param reply the reply to render
     * @throws IOException when writing fails (the client went away)
     */
    protected abstract void render(HttpExchange exchange, RecordedRequest request, FakeReply reply) throws IOException;

    /**
     * Answers a request that is not a chat request (model listings and the like). The default is
     * 404.
     *
     * @throws IOException when writing fails
     */
    protected void handleOther(HttpExchange exchange, RecordedRequest request) throws IOException {
        respond(exchange, 404, "application/json", "{\"error\":{\"message\":\"no such endpoint in the fake\"}}");
    }

    /** @return the messages of a chat request body, for {@link EchoScript} */
    protected abstract List<WireTurn> turns(JsonNode body);

    /** @return the tool names a chat request body offers, as sent on the wire */
    protected abstract List<String> offeredToolNames(JsonNode body);

    /**
     * Finds the wire name the request used for a tool: the name itself, or the name with every
     * character outside {@code [A-Za-z0-9_-]} replaced by {@code _}.
     *
     * @throws IllegalStateException when the request does not offer the tool
     */
    protected String wireToolName(RecordedRequest request, String toolName) {
        List<String> offered = offeredToolNames(request.json());
        if (offered.contains(toolName)) {
            return toolName;
        }
        String sanitised = toolName.replaceAll("[^A-Za-z0-9_-]", "_");
        if (offered.contains(sanitised)) {
            return sanitised;
        }
        throw new IllegalStateException("the request offers no tool " + toolName + " (offered: " + offered + ")");
    }

    /** Writes a complete response. */
    protected static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("content-type", contentType);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Starts a server-sent-events response; write events with {@link #sse(OutputStream, String, String)}. */
    protected static OutputStream startSse(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("content-type", "text/event-stream");
        exchange.getResponseHeaders().set("cache-control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        return exchange.getResponseBody();
    }

    /** Writes one SSE event (without {@code event:} line when the name is null) and flushes it. */
    protected static void sse(OutputStream out, String event, String data) throws IOException {
        StringBuilder frame = new StringBuilder();
        if (event != null) {
            frame.append("event: ").append(event).append('\n');
        }
        frame.append("data: ").append(data).append("\n\n");
        out.write(frame.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private void dispatch(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body;
            String type = String.valueOf(exchange.getRequestHeaders().getFirst("content-type"));
            try (InputStream in = exchange.getRequestBody()) {
                // an upload's bytes survive as ISO-8859-1 text (one char per byte); see RecordedRequest#bytes
                body = new String(in.readAllBytes(), type.toLowerCase(java.util.Locale.ROOT).startsWith("multipart/")
                        ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
            }
            URI uri = exchange.getRequestURI();
            RecordedRequest request = new RecordedRequest(
                    exchange.getRequestMethod(), uri.getPath(), uri.getRawQuery(), Map.copyOf(exchange.getRequestHeaders()), body);
            requests.add(request);
            if (!isChatRequest(request)) {
                handleOther(exchange, request);
                return;
            }
            if (refuse(exchange, request)) {
                return;
            }
            FakeReply reply = script.pollFirst();
            if (reply == null) {
                reply = fallback.apply(request);
            }
            pause(reply.delay());
            for (Map.Entry<String, String> header : reply.headers().entrySet()) {
                exchange.getResponseHeaders().set(header.getKey(), header.getValue());
            }
            if (reply.kind() == FakeReply.Kind.MALFORMED) {
                respond(exchange, 200, "application/json", reply.body());
            } else {
                render(exchange, request, reply);
            }
        } catch (RuntimeException e) {
            respond(exchange, 500, "text/plain", "fake server failure: " + e);
        }
    }

    private static void pause(Duration delay) {
        if (delay.isZero()) {
            return;
        }
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
