package org.openpista.channel.web.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.websocket.server.config.JettyWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.openpista.channel.support.MemoryGateway;
import org.openpista.channel.support.MemoryStore;
import org.openpista.channel.support.MutableClock;

/**
 * The channel's servlets in a plain embedded Jetty of the version Felix HTTP embeds, with a
 * scripted agent and memory behind them: real sockets, real HTTP and WebSocket, no OSGi.
 */
final class TestServer implements AutoCloseable {

    static final String TOKEN = "test-token-0123456789abcdef";
    static final Path WEB = Path.of("../../web").toAbsolutePath().normalize();

    final MemoryStore store = new MemoryStore();
    final MemoryGateway gateway = new MemoryGateway(store);
    final MutableClock clock = new MutableClock();
    final WebSettings settings;
    /** The chat as the channel creates it while it serves; tests set its optional services. */
    final WebChat chat;
    final ChatHub hub;
    private final Server server;

    TestServer() throws Exception {
        this(settings(TOKEN, List.of(), Duration.ofSeconds(120), 1024 * 1024));
    }

    TestServer(WebSettings settings) throws Exception {
        this(settings, new ReplyLedger(null));
    }

    /** A server keeping message ids in this ledger: two servers sharing one are two versions of the channel. */
    TestServer(WebSettings settings, ReplyLedger ledger) throws Exception {
        this.settings = settings;
        StaticFiles files = new StaticFiles(settings.staticDir() != null ? settings.staticDir() : WEB, path -> null);
        chat = new WebChat(settings, files, gateway, store, clock, ledger);
        hub = chat.hub();
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        JettyWebSocketServletContainerInitializer.configure(context, null);
        context.addServlet(new ServletHolder(new SocketServlet(chat)), SocketServlet.PATH);
        context.addServlet(new ServletHolder(new PageServlet(chat)), "/*");
        server.setHandler(context);
        server.start();
    }

    static WebSettings settings(String token, List<String> origins, Duration turnTimeout, long maxFrame) {
        return new WebSettings(true, "127.0.0.1", 0, token, origins, null, "", maxFrame, turnTimeout, Duration.ofMinutes(10));
    }

    int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    String origin() {
        return "http://127.0.0.1:" + port();
    }

    URI ws(Map<String, String> query) {
        StringJoiner params = new StringJoiner("&");
        query.forEach((key, value) -> params.add(key + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8)));
        return URI.create("ws://127.0.0.1:" + port() + "/ws" + (query.isEmpty() ? "" : "?" + params));
    }

    /** A connected client with the raw token. */
    WsClient client(String clientId) throws Exception {
        WsClient client = WsClient.connect(ws(Map.of("token", TOKEN, "client_id", clientId)));
        client.handshake();
        return client;
    }

    HttpResponse<String> get(String path, Map<String, String> headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path)).GET();
        headers.forEach(request::header);
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String body, Map<String, String> headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        headers.forEach(request::header);
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Sends a WebSocket upgrade by hand, with any headers (the JDK client refuses to set Host), and
     * returns the response head: the status line first.
     */
    String rawUpgrade(String pathAndQuery, Map<String, String> headers) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port())) {
            socket.setSoTimeout(10_000);
            StringBuilder request = new StringBuilder("GET " + pathAndQuery + " HTTP/1.1\r\n");
            if (!headers.containsKey("Host")) {
                request.append("Host: 127.0.0.1:").append(port()).append("\r\n");
            }
            headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
            request.append("Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n")
                    .append("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0) {
                head.append((char) c);
                if (head.toString().endsWith("\r\n\r\n")) {
                    break;
                }
            }
            return head.toString();
        }
    }

    /**
     * Sends {@code POST path} by hand from a chosen local address (any of 127/8 works on Linux), the
     * way a local process rotating loopback addresses would.
     *
     * @return the response head, the status line first
     */
    String rawPost(String path, String body, InetAddress from) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port(), from, 0)) {
            socket.setSoTimeout(10_000);
            byte[] content = body.getBytes(StandardCharsets.UTF_8);
            String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port() + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + content.length + "\r\nConnection: close\r\n\r\n";
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(content);
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * Sends only the head of {@code POST path} announcing a body of some length, and returns the
     * response: a server that refuses a body by its length answers before reading it, and a client
     * still sending such a body could see the connection closed before the answer.
     */
    String postHeadOnly(String path, long contentLength) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port())) {
            socket.setSoTimeout(10_000);
            String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port() + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + contentLength + "\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        chat.close();
        gateway.close();
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("Jetty did not stop", e);
        }
    }
}
