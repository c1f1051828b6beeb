package org.openpista.mcp.internal;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The stdio transport, written here rather than taken from the SDK because openpista must control
 * the process: its environment is PATH, HOME and the server's own {@code env} only (the SDK's adds
 * to the daemon's, secrets included); its stderr is kept for {@code mcp list}; its exit is reported
 * at once so the server's tools are withdrawn; and closing kills the whole process tree ({@code npx}
 * starts node as a child).
 */
final class StdioTransport implements McpClientTransport {

    private static final Logger LOG = LoggerFactory.getLogger(StdioTransport.class);

    /** The daemon's variables a server gets; everything else of the daemon's environment stays out. */
    static final List<String> PASSED = List.of("PATH", "HOME");

    private final ServerConfig server;
    private final McpJsonMapper json;
    private final StderrTail stderr;
    private final Consumer<String> exited;
    private final Map<String, String> daemonEnv;
    private volatile Process process;
    private volatile String startFailure;
    private volatile boolean closing;

    /**
     * @param exited told why, once, when the process ends without being closed
     */
    StdioTransport(ServerConfig server, McpJsonMapper json, StderrTail stderr, Consumer<String> exited,
            Map<String, String> daemonEnv) {
        this.server = server;
        this.json = json;
        this.stderr = stderr;
        this.exited = exited;
        this.daemonEnv = daemonEnv;
    }

    /** @return the environment the server process gets */
    static Map<String, String> environment(ServerConfig server, Map<String, String> daemonEnv) {
        Map<String, String> env = new java.util.LinkedHashMap<>();
        for (String name : PASSED) {
            String value = daemonEnv.get(name);
            if (value != null) {
                env.put(name, value);
            }
        }
        env.putAll(server.env());
        return env;
    }

    @Override
    public Mono<Void> connect(Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
        return Mono.fromRunnable(() -> start(handler));
    }

    private void start(Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
        List<String> command = new ArrayList<>();
        command.add(server.command());
        command.addAll(server.args());
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear();
        builder.environment().putAll(environment(server, daemonEnv));
        if (server.cwd() != null) {
            try {
                Files.createDirectories(server.cwd());
            } catch (IOException e) {
                throw new IllegalStateException("cannot create the working folder " + server.cwd() + ": " + e.getMessage(), e);
            }
            builder.directory(server.cwd().toFile());
        }
        Process started;
        try {
            started = builder.start();
        } catch (IOException e) {
            startFailure = "cannot start " + server.command() + ": " + e.getMessage();
            throw new IllegalStateException(startFailure, e);
        }
        process = started;
        thread("mcp-" + server.name() + "-out", () -> readMessages(started, handler)).start();
        thread("mcp-" + server.name() + "-err", () -> readStderr(started)).start();
        started.onExit().thenAccept(gone -> {
            if (!closing) {
                exited.accept("the server process exited with status " + gone.exitValue());
            }
        });
    }

    private void readMessages(Process running, Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(running.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                McpSchema.JSONRPCMessage message;
                try {
                    message = McpSchema.deserializeJsonRpcMessage(json, line);
                } catch (IOException | RuntimeException e) {
                    // a server that logs to stdout: keep the line where people look for its output
                    stderr.add("(stdout, not JSON-RPC) " + line);
                    continue;
                }
                handler.apply(Mono.just(message)).subscribe(ignored -> { }, error -> LOG.debug("MCP server {}: {}",
                        server.name(), error.toString()));
            }
        } catch (IOException e) {
            if (!closing) {
                LOG.debug("MCP server {}: reading its output failed: {}", server.name(), e.toString());
            }
        }
    }

    private void readStderr(Process running) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(running.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                stderr.add(line);
                LOG.debug("MCP server {} (stderr): {}", server.name(), line);
            }
        } catch (IOException e) {
            // the process is gone
        }
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
        return Mono.fromRunnable(() -> {
            Process running = process;
            if (running == null || !running.isAlive()) {
                throw new IllegalStateException(startFailure != null ? startFailure : "the server process is not running");
            }
            try {
                String line = json.writeValueAsString(message).replace("\r", "\\r").replace("\n", "\\n");
                OutputStream out = running.getOutputStream();
                synchronized (this) {
                    out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            } catch (IOException e) {
                throw new IllegalStateException("writing to the server failed: " + e.getMessage(), e);
            }
        });
    }

    @Override
    public Mono<Void> closeGracefully() {
        return Mono.fromRunnable(this::kill);
    }

    /** Ends the server: stdin closed, then SIGTERM to the tree, then SIGKILL to what is left. */
    void kill() {
        closing = true;
        Process running = process;
        if (running == null) {
            return;
        }
        List<ProcessHandle> tree = new ArrayList<>(running.descendants().toList());
        try {
            running.getOutputStream().close();
        } catch (IOException ignored) {
            // gone already
        }
        try {
            if (!running.waitFor(500, TimeUnit.MILLISECONDS)) {
                tree.forEach(ProcessHandle::destroy);
                running.destroy();
                if (!running.waitFor(2, TimeUnit.SECONDS)) {
                    running.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.destroyForcibly();
        }
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    /** @return the server process, while it runs */
    java.util.Optional<ProcessHandle> handle() {
        Process running = process;
        return running == null ? java.util.Optional.empty() : java.util.Optional.of(running.toHandle());
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
        return json.convertValue(data, typeRef);
    }

    private static Thread thread(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        return thread;
    }
}
