package org.openpista.auth.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.openpista.api.auth.AuthException;

/**
 * The loopback server a browser login redirects back to: listens on 127.0.0.1 only, answers the
 * first request to its callback path with a page telling the user to return to openpista, hands
 * that request's query parameters to {@link #callback()}, and closes. Other requests (a browser's
 * favicon) get 404 and do not end it. {@link #close()} ends it early, on timeout or cancellation.
 *
 * <p>A plain socket rather than the JDK's HTTP server: it needs one request, and inside OSGi the
 * JDK's {@code com.sun.net.httpserver} package is not reliably exported by the system bundle.
 */
final class LoopbackServer implements AutoCloseable {

    private final ServerSocket socket;
    private final String path;
    private final CompletableFuture<Map<String, String>> callback = new CompletableFuture<>();
    private volatile Thread serving;

    private LoopbackServer(ServerSocket socket, String path) {
        this.socket = socket;
        this.path = path;
    }

    /**
     * Starts listening.
     *
     * @param port the port, or 0 for any free one
     * @param path the callback path, for example {@code /auth/callback}
     * @throws AuthException when the port is taken
     */
    static LoopbackServer open(int port, String path) throws AuthException {
        ServerSocket socket;
        try {
            socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 8);
        } catch (IOException e) {
            throw new AuthException("cannot listen for the login callback on 127.0.0.1:" + port + " (" + e.getMessage()
                    + "); is another login running? Close it and try again", e);
        }
        LoopbackServer server = new LoopbackServer(socket, path);
        Thread thread = new Thread(server::serve, "openpista-login-callback");
        thread.setDaemon(true);
        server.serving = thread;
        thread.start();
        return server;
    }

    /** @return the port it listens on */
    int port() {
        return socket.getLocalPort();
    }

    /** @return completes with the query parameters of the callback; exceptionally when closed first */
    CompletableFuture<Map<String, String>> callback() {
        return callback;
    }

    /**
     * Stops listening; when it returns the port is closed. (The kernel keeps a listening socket
     * while a thread is inside {@code accept}, until that call is interrupted, so this waits for the
     * serving thread, which answers nothing any more once closed.)
     */
    @Override
    public void close() {
        callback.completeExceptionally(new SocketException("the login callback server was closed"));
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a listening socket has nothing to report
        }
        Thread thread = serving;
        if (thread != null && thread != Thread.currentThread()) {
            try {
                thread.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void serve() {
        try {
            while (!callback.isDone()) {
                try (Socket client = socket.accept()) {
                    if (callback.isDone()) {
                        return; // closed while accepting: the connection is dropped unanswered
                    }
                    client.setSoTimeout(10_000);
                    handle(client);
                } catch (SocketException closed) {
                    return;
                } catch (IOException oneBadClient) {
                    // a connection that sends nothing or breaks off: wait for the next
                }
            }
        } finally {
            close();
        }
    }

    private void handle(Socket client) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
        String requestLine = in.readLine();
        if (requestLine == null) {
            return;
        }
        for (String header = in.readLine(); header != null && !header.isEmpty(); header = in.readLine()) {
            // headers are not needed
        }
        String[] parts = requestLine.split(" ");
        String target = parts.length >= 2 ? parts[1] : "";
        int question = target.indexOf('?');
        String requestPath = question < 0 ? target : target.substring(0, question);
        OutputStream out = client.getOutputStream();
        if (!parts[0].equals("GET") || !requestPath.equals(path)) {
            write(out, 404, "Not Found", "<p>Nothing here.</p>");
            return;
        }
        Map<String, String> query = query(question < 0 ? "" : target.substring(question + 1));
        boolean failed = query.containsKey("error") || !query.containsKey("code");
        write(out, 200, "OK", failed
                ? "<h1>Login failed</h1><p>The provider did not grant access. Return to openpista for details.</p>"
                : "<h1>Login received</h1><p>You can close this tab and return to openpista.</p>");
        callback.complete(query);
    }

    private static void write(OutputStream out, int status, String reason, String body) throws IOException {
        byte[] page = ("<!doctype html><html><head><meta charset=\"utf-8\"><title>openpista login</title></head><body>"
                + body + "</body></html>").getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: "
                + page.length + "\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(page);
        out.flush();
    }

    static Map<String, String> query(String raw) {
        Map<String, String> values = new LinkedHashMap<>();
        if (raw.isEmpty()) {
            return values;
        }
        for (String pair : raw.split("&")) {
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            String value = equals < 0 ? "" : pair.substring(equals + 1);
            try {
                values.putIfAbsent(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException malformed) {
                // a broken escape: leave the parameter out
            }
        }
        return values;
    }
}
