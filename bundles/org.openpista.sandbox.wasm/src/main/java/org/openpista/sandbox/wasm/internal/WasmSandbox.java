package org.openpista.sandbox.wasm.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.openpista.api.sandbox.Sandbox;
import org.openpista.api.sandbox.SandboxException;
import org.openpista.api.sandbox.SandboxIsolation;
import org.openpista.api.sandbox.SandboxRequest;
import org.openpista.api.sandbox.SandboxResult;
import org.openpista.api.sandbox.SandboxUnavailableException;
import org.openpista.api.settings.SettingsSection;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code wasm} sandbox: runs a WebAssembly module (the request's first command element) with
 * WASI, the workspace preopened read-only at {@code /workspace}, no network (WASI preview 1 has no
 * sockets to open), memory capped at {@code wasm_memory_mb} (64 MB) and the request's time limit
 * (30 s by default). JSON goes in and out through module memory; see {@link WasmEngine} for the
 * ABI. The engine is wasmtime when its native library loads here, else Chicory; {@code [skills]
 * wasm_engine} forces one. It is chosen on the first run, so an installed but unused wasm sandbox
 * costs nothing. WASI commands (modules without the {@code run} export, input on stdin) always
 * run on Chicory: wasmtime-java 0.19.0 cannot give a module a stdin to read.
 */
@Component(
        service = Sandbox.class,
        property = Sandbox.TYPE + "=" + WasmSandbox.TYPE,
        configurationPid = WasmSandbox.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = WasmSandbox.Config.class)
@SettingsSection(value = "skills", pid = WasmSandbox.PID, keys = {"wasm_engine", "wasm_memory_mb"})
public final class WasmSandbox implements Sandbox, SandboxIsolation {

    static final String TYPE = "wasm";
    /** Shares the {@code [skills]} section. */
    static final String PID = "org.openpista.skills";
    static final long MAX_MODULE_BYTES = 64L * 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(WasmSandbox.class);

    /** The wasm keys of the {@code [skills]} section. */
    @ObjectClassDefinition(name = "openpista wasm sandbox", description = "WebAssembly modules with WASI and hard limits.")
    public @interface Config {
        @AttributeDefinition(name = "Engine", description = "auto (wasmtime when its native library loads, else Chicory),"
                + " wasmtime or chicory.", options = {
                    @Option(label = "auto", value = "auto"),
                    @Option(label = "wasmtime", value = "wasmtime"),
                    @Option(label = "chicory", value = "chicory")
                })
        String wasm_engine() default "auto";

        @AttributeDefinition(name = "Memory (MB)", description = "The most linear memory a module may grow to.", min = "1", max = "4096")
        int wasm_memory_mb() default 64;
    }

    private final String choice;
    private final int maxPages;
    private WasmEngine engine;
    private WasmEngine commands;

    @Activate
    public WasmSandbox(Config config) {
        this.choice = config.wasm_engine() == null ? "auto" : config.wasm_engine().strip().toLowerCase(Locale.ROOT);
        int mb = config.wasm_memory_mb() > 0 ? config.wasm_memory_mb() : 64;
        this.maxPages = (int) Math.min(65_536, mb * 1024L * 1024L / MemoryCap.PAGE);
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** Loads the engine: {@code wasm (wasmtime)} or {@code wasm (chicory)}. */
    @Override
    public String isolation() throws SandboxUnavailableException {
        try {
            return "wasm (" + engine().name() + ")";
        } catch (SandboxException e) {
            throw new SandboxUnavailableException(e.getMessage(), e);
        }
    }

    /** @return the engine, chosen and loaded on first use */
    synchronized WasmEngine engine() throws SandboxException {
        if (engine != null) {
            return engine;
        }
        if (choice.equals("chicory")) {
            engine = new ChicoryEngine();
        } else {
            try {
                engine = new WasmtimeEngine();
            } catch (RuntimeException | LinkageError e) {
                if (choice.equals("wasmtime")) {
                    throw new SandboxException("wasmtime's native library cannot be loaded here (" + e
                            + "); set [skills] wasm_engine = \"auto\" to use Chicory", e);
                }
                LOG.warn("wasm sandbox: wasmtime's native library cannot be loaded here ({}); using Chicory", e.toString());
                engine = new ChicoryEngine();
            }
        }
        LOG.info("wasm sandbox: engine {}", engine.name());
        return engine;
    }

    /** @return the engine for WASI commands (modules without {@code run}): Chicory */
    private synchronized WasmEngine commandEngine() {
        if (commands == null) {
            commands = new ChicoryEngine();
        }
        return commands;
    }

    @Override
    public SandboxResult run(SandboxRequest request) throws SandboxException, InterruptedException {
        Path file;
        try {
            file = Path.of(request.command().get(0));
        } catch (InvalidPathException e) {
            throw new SandboxException("not a module path: " + request.command().get(0), e);
        }
        byte[] module;
        try {
            if (Files.size(file) > MAX_MODULE_BYTES) {
                throw new SandboxException("the module " + file.getFileName() + " is larger than 64 MB", null);
            }
            module = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new SandboxException("cannot read the module " + file + ": " + e.getMessage(), e);
        }
        byte[] capped;
        try {
            capped = MemoryCap.limit(module, maxPages);
        } catch (IllegalArgumentException e) {
            throw new SandboxException(file.getFileName() + ": " + e.getMessage(), e);
        }
        Path workspace = request.workspace();
        if (workspace != null && !Files.isDirectory(workspace)) {
            try {
                Files.createDirectories(workspace);
            } catch (IOException e) {
                workspace = null;
            }
        }
        WasmEngine.Invocation invocation = new WasmEngine.Invocation(request.input().getBytes(StandardCharsets.UTF_8),
                List.of(file.getFileName().toString()), request.environment(), workspace, request.limits().timeout(),
                request.limits().outputLimitChars());
        WasmEngine chosen = engine();
        if (chosen instanceof WasmtimeEngine && !ExportNames.of(capped).contains(Abi.RUN)) {
            // a WASI command reads its input from stdin, which wasmtime-java 0.19.0 cannot supply
            chosen = commandEngine();
        }
        long started = System.nanoTime();
        WasmEngine.Outcome outcome;
        try {
            outcome = chosen.run(capped, invocation);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new SandboxException(file.getFileName() + ": " + e.getMessage(), e);
        }
        // the module's own run time: the limit applies to it, compiling and linking come before the clock starts
        Duration elapsed = Duration.ofNanos(outcome.runNanos() > 0 ? outcome.runNanos() : System.nanoTime() - started);
        String stderr = outcome.stderr();
        if (!outcome.output().equals(outcome.stdout()) && !outcome.stdout().isEmpty()) {
            stderr = stderr + (stderr.isEmpty() || stderr.endsWith("\n") ? "" : "\n") + "[wasi stdout]\n" + outcome.stdout();
        }
        String reason = "";
        if (outcome.timedOut()) {
            reason = "time limit of " + Math.max(1, request.limits().timeout().toSeconds()) + " s (" + chosen.name() + ")";
        } else if (!outcome.trap().isEmpty()) {
            reason = "wasm trap (" + chosen.name() + ", memory limit " + maxPages * (long) MemoryCap.PAGE / (1024 * 1024)
                    + " MB): " + outcome.trap();
        }
        return new SandboxResult(outcome.exitCode(), outcome.output(), stderr, outcome.timedOut(), reason, elapsed);
    }
}
