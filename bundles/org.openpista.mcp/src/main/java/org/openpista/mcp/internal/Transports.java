package org.openpista.mcp.internal;

import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpClientTransport;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

/** Makes the transport a server's table asks for: a process over stdio, streamable HTTP, or HTTP+SSE. */
final class Transports {

    private Transports() {}

    static McpClientTransport stdio(ServerConfig server, McpJsonMapper json, StderrTail stderr, Consumer<String> exited,
            Map<String, String> daemonEnv) {
        return new StdioTransport(server, json, stderr, exited, daemonEnv);
    }

    /** Streamable HTTP at the URL as written. */
    static McpClientTransport streamable(ServerConfig server, McpJsonMapper json) {
        URI uri = URI.create(server.url());
        return HttpClientStreamableHttpTransport.builder(base(uri)).endpoint(path(uri)).jsonMapper(json)
                .connectTimeout(server.startupTimeout()).requestBuilder(headers(server)).openConnectionOnStartup(false)
                .build();
    }

    /**
     * The older HTTP+SSE transport: the URL is the event stream, which names the endpoint for
     * messages. The SDK deprecates it (the protocol did), but servers that speak only it are still
     * about.
     */
    @SuppressWarnings("deprecation")
    static McpClientTransport sse(ServerConfig server, McpJsonMapper json) {
        URI uri = URI.create(server.url());
        return HttpClientSseClientTransport.builder(base(uri)).sseEndpoint(path(uri)).jsonMapper(json)
                .connectTimeout(server.startupTimeout()).requestBuilder(headers(server)).build();
    }

    private static HttpRequest.Builder headers(ServerConfig server) {
        HttpRequest.Builder builder = HttpRequest.newBuilder().timeout(server.toolTimeout().plus(Duration.ofSeconds(5)));
        server.headers().forEach(builder::header);
        return builder;
    }

    private static String base(URI uri) {
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }

    private static String path(URI uri) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    }
}
