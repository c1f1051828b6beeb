package org.openpista.sandbox.wasm.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openpista.api.sandbox.SandboxException;
import org.openpista.api.sandbox.SandboxLimits;
import org.openpista.api.sandbox.SandboxRequest;
import org.openpista.api.sandbox.SandboxResult;
import org.openpista.testkit.SecurityFigures;
import org.openpista.testkit.TraversalPayloads;

/**
 * The wasm sandbox on both engines with the probe module (src/test/wasm, built by its build.sh)
 * and the bundled hello-wasm skill. Figures go to {@code target/security-figures.txt}.
 */
class WasmSandboxTest {

    static final String SECRET = "TOP-SECRET-SENTINEL-4711";

    @TempDir
    Path root;

    Path workspace;
    Path probe;

    @BeforeEach
    void setUp() throws IOException {
        workspace = Files.createDirectories(root.resolve("workspace"));
        Files.writeString(workspace.resolve("inside.txt"), "inside the workspace");
        Files.createDirectories(workspace.resolve("sub"));
        Files.writeString(root.resolve("secret.txt"), SECRET);
        Files.createSymbolicLink(workspace.resolve("link-out"), root.resolve("secret.txt"));
        Files.createSymbolicLink(workspace.resolve("dir-out"), Path.of("/"));
        Files.createSymbolicLink(workspace.resolve("sub/up"), root);
        probe = root.resolve("probe.wasm");
        try (InputStream in = WasmSandboxTest.class.getResourceAsStream("/probe.wasm")) {
            Files.copy(in, probe);
        }
    }

    static WasmSandbox sandbox(String engine) {
        return new WasmSandbox(new WasmSandbox.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return WasmSandbox.Config.class;
            }

            @Override
            public String wasm_engine() {
                return engine;
            }

            @Override
            public int wasm_memory_mb() {
                return 64;
            }
        });
    }

    SandboxResult probe(WasmSandbox sandbox, String input, Duration timeout) throws Exception {
        return sandbox.run(new SandboxRequest(List.of(probe.toString()), input, workspace, Map.of("SKILL_NAME", "probe"),
                Map.of(), "", SandboxLimits.defaults().withTimeout(timeout)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"wasmtime", "chicory"})
    void jsonGoesInAndOutThroughMemory(String engine) throws Exception {
        WasmSandbox sandbox = sandbox(engine);
        SandboxResult result = probe(sandbox, "{\"op\":\"echo\",\"x\":\"ünïcode\"}", Duration.ofSeconds(30));

        assertThat(sandbox.engine().name()).isEqualTo(engine);
        assertThat(sandbox.isolation()).isEqualTo("wasm (" + engine + ")");
        assertThat(result.succeeded()).as(result.toString()).isTrue();
        assertThat(result.stdout()).isEqualTo("{\"op\":\"echo\",\"x\":\"ünïcode\"}");
        assertThat(result.stderr()).contains("probe stdout");
    }

    @ParameterizedTest
    @ValueSource(strings = {"wasmtime", "chicory"})
    void theBundledHelloWasmSkillRuns(String engine) throws Exception {
        Path module = Path.of("../../skills/hello-wasm/hello-wasm.wasm").toAbsolutePath().normalize();
        SandboxResult result = sandbox(engine).run(new SandboxRequest(List.of(module.toString()), "{\"name\":\"Ada\"}",
                workspace, Map.of(), Map.of(), "", SandboxLimits.defaults()));

        assertThat(result.succeeded()).as(result.toString()).isTrue();
        assertThat(result.stdout()).contains("\"greeting\":\"Hello, Ada!\"").contains("\"workspace_entries\":4");
        assertThat(result.stderr()).contains("hello-wasm: greeting Ada");
    }

    @ParameterizedTest
    @ValueSource(strings = {"wasmtime", "chicory"})
    void anInfiniteLoopIsStoppedAtTheLimit(String engine) throws Exception {
        WasmSandbox sandbox = sandbox(engine);
        sandbox.engine();
        Duration limit = Duration.ofSeconds(2);
        SandboxResult result = probe(sandbox, "{\"op\":\"loop\"}", limit);
        long overshoot = result.elapsed().toMillis() - limit.toMillis();

        assertThat(result.timedOut()).as(result.toString()).isTrue();
        assertThat(result.exitCode()).isEqualTo(-1);
        assertThat(result.killedReason()).contains("time limit");
        // the precise bound (limit + 50 ms) is measured and reported; a loaded CI machine gets slack here
        assertThat(overshoot).isLessThan(1_000);
        SecurityFigures.record("wasm infinite loop (" + engine + ")", "limit " + limit.toMillis() + " ms, module stopped "
                + overshoot + " ms after the limit");
    }

    @ParameterizedTest
    @ValueSource(strings = {"wasmtime", "chicory"})
    void memoryGrowthBeyondTheLimitTraps(String engine) throws Exception {
        WasmSandbox sandbox = sandbox(engine);
        SandboxResult small = probe(sandbox, "{\"op\":\"grow\",\"mb\":32}", Duration.ofSeconds(30));
        SandboxResult large = probe(sandbox, "{\"op\":\"grow\",\"mb\":100}", Duration.ofSeconds(30));

        assertThat(small.succeeded()).as(small.toString()).isTrue();
        assertThat(small.stdout()).isEqualTo("{\"allocated_mb\":32}");
        assertThat(large.succeeded()).isFalse();
        assertThat(large.exitCode()).isEqualTo(-1);
        assertThat(large.killedReason()).contains("wasm trap").contains("64 MB");
        assertThat(large.stdout()).doesNotContain("allocated_mb");
        SecurityFigures.record("wasm memory (" + engine + ")", "32 MB allocated fine; 100 MB trapped: " + large.killedReason());
    }

    @ParameterizedTest
    @ValueSource(strings = {"wasmtime", "chicory"})
    void onlyTheGivenEnvironmentIsVisible(String engine) throws Exception {
        SandboxResult result = probe(sandbox(engine), "{\"op\":\"env\"}", Duration.ofSeconds(30));

        assertThat(result.stdout()).as(result.toString()).isEqualTo("{\"env\":[\"SKILL_NAME=probe\"]}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"wasmtime", "chicory"})
    void theWorkspaceIsReadableButNotWritable(String engine) throws Exception {
        WasmSandbox sandbox = sandbox(engine);
        SandboxResult read = probe(sandbox, "{\"op\":\"read\",\"path\":\"/workspace/inside.txt\"}", Duration.ofSeconds(30));
        assertThat(read.stdout()).as(read.toString()).contains("\"ok\":true").contains("inside the workspace");

        for (String path : List.of("/workspace/new.txt", "/workspace/inside.txt", "/workspace/sub/new.txt")) {
            SandboxResult write = probe(sandbox, "{\"op\":\"write\",\"path\":\"" + path + "\"}", Duration.ofSeconds(30));
            assertThat(write.stdout()).as(path + " " + write).contains("\"ok\":false");
        }
        assertThat(workspace.resolve("new.txt")).doesNotExist();
        assertThat(workspace.resolve("inside.txt")).hasContent("inside the workspace");
    }

    @ParameterizedTest
    @ValueSource(strings = {"wasmtime", "chicory"})
    void noTraversalPayloadEscapesTheWorkspace(String engine) throws Exception {
        List<String> payloads = new ArrayList<>();
        for (String payload : TraversalPayloads.all(List.of("secret.txt", "etc/passwd"))) {
            payloads.add(payload);
            payloads.add("/workspace/" + payload);
        }
        payloads.addAll(List.of("/workspace/link-out", "/workspace/dir-out/etc/passwd", "/workspace/sub/up/secret.txt",
                "link-out", "/workspace/dir-out/../secret.txt", "/workspace/sub/up/workspace/inside.txt"));
        List<String> before = listing(root);
        String passwd = Files.readString(Path.of("/etc/passwd"));
        // "paths" first: the probe's tiny JSON reader takes the first occurrence of a key
        SandboxResult result = probe(sandbox(engine), "{\"paths\":\"" + jsonEscape(String.join("\n", payloads))
                + "\",\"op\":\"paths\"}", Duration.ofSeconds(120));

        assertThat(result.succeeded()).as(result.toString()).isTrue();
        String lines = result.stdout();
        assertThat(lines).doesNotContain(SECRET).doesNotContain("root:x:0:0").doesNotContain("|W");
        List<String> outcomes = List.of(lines.substring("{\"results\":\"".length(), lines.length() - 2).split("\\\\u000a"));
        assertThat(outcomes).hasSize(payloads.size());
        long reads = outcomes.stream().filter(line -> line.startsWith("R:")).count();
        assertThat(listing(root)).isEqualTo(before);
        assertThat(root.resolve("secret.txt")).hasContent(SECRET);
        assertThat(Files.readString(Path.of("/etc/passwd"))).isEqualTo(passwd);
        SecurityFigures.record("wasm path traversal (" + engine + ")", payloads.size() + " payloads, each read and opened for"
                + " writing: " + (payloads.size() - reads) + " reads refused, " + reads + " read a file inside the"
                + " workspace, 0 escaped, 0 writes");
    }

    @ParameterizedTest
    @ValueSource(strings = {"wasmtime", "chicory"})
    void aWasiCommandGetsTheInputOnStdinAndItsStdoutIsTheOutput(String engine) throws Exception {
        Path command = root.resolve("command.wasm");
        try (InputStream in = WasmSandboxTest.class.getResourceAsStream("/command.wasm")) {
            Files.copy(in, command);
        }
        WasmSandbox sandbox = sandbox(engine);
        SandboxResult ok = sandbox.run(new SandboxRequest(List.of(command.toString()), "{\"x\":1}", workspace, Map.of(),
                Map.of(), "", SandboxLimits.defaults()));
        SandboxResult failed = sandbox.run(new SandboxRequest(List.of(command.toString()), "{\"exit\":3}", workspace,
                Map.of(), Map.of(), "", SandboxLimits.defaults()));

        assertThat(ok.succeeded()).as(ok.toString()).isTrue();
        assertThat(ok.stdout()).isEqualTo("{\"command_saw\":{\"x\":1}}");
        assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(3);
        assertThat(failed.stderr()).contains("asked to fail");
        assertThat(failed.killedReason()).isEmpty();
        assertThat(ok.stderr()).doesNotContain("wasmtime");
    }

    @org.junit.jupiter.api.Test
    void memoryCapRewritesLimitsAndRefusesOversizedModules() {
        // (module (memory 2)) and (module (memory 2000))
        byte[] small = {0, 'a', 's', 'm', 1, 0, 0, 0, 5, 3, 1, 0, 2};
        byte[] capped = MemoryCap.limit(small, 1024);
        assertThat(capped).containsExactly(0, 'a', 's', 'm', 1, 0, 0, 0, 5, 5, 1, 1, 2, (byte) 0x80, 8);
        byte[] big = {0, 'a', 's', 'm', 1, 0, 0, 0, 5, 4, 1, 0, (byte) 0xD0, 15};
        assertThatThrownBy(() -> MemoryCap.limit(big, 1024)).hasMessageContaining("more than the limit of 64 MB");
        assertThatThrownBy(() -> MemoryCap.limit(new byte[] {1, 2, 3}, 1024)).hasMessageContaining("not a WebAssembly");
    }

    @org.junit.jupiter.api.Test
    void aBrokenModuleIsAClearError() throws Exception {
        Path broken = root.resolve("broken.wasm");
        Files.write(broken, new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0, 1, 99}, StandardOpenOption.CREATE);
        assertThatThrownBy(() -> sandbox("chicory").run(new SandboxRequest(List.of(broken.toString()), "{}", workspace,
                Map.of(), Map.of(), "", SandboxLimits.defaults()))).isInstanceOf(SandboxException.class)
                .hasMessageContaining("broken.wasm");
    }

    static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.map(path -> path + ":" + path.toFile().length()).sorted().toList();
        } catch (java.io.UncheckedIOException e) {
            return List.of();
        }
    }

    static String jsonEscape(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7E) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
