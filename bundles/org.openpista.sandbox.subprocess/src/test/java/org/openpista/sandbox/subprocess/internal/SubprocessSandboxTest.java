package org.openpista.sandbox.subprocess.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openpista.api.sandbox.SandboxException;
import org.openpista.api.sandbox.SandboxLimits;
import org.openpista.api.sandbox.SandboxRequest;
import org.openpista.api.sandbox.SandboxResult;
import org.openpista.testkit.TraversalPayloads;

class SubprocessSandboxTest {

    // the workspace sits eight folders deep in a folder of this test's own: every climb of the traversal payloads (up to
    // eight levels) lands inside it, where the test can look for what escaped without seeing other processes' files
    @TempDir
    Path root;

    Path workspace;

    @BeforeEach
    void nestWorkspace() throws IOException {
        workspace = Files.createDirectories(root.resolve("1/2/3/4/5/6/7/workspace"));
    }

    final SubprocessSandbox sandbox = new SubprocessSandbox(config("auto"), Map.of(
            "PATH", System.getenv("PATH"),
            "OPENAI_API_KEY", "sk-planted-secret",
            "TELEGRAM_BOT_TOKEN", "planted-token"));

    static SubprocessSandbox.Config config(String bubblewrap) {
        return new SubprocessSandbox.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return SubprocessSandbox.Config.class;
            }

            @Override
            public String path() {
                return "";
            }

            @Override
            public long drain_millis() {
                return 300;
            }

            @Override
            public String bubblewrap() {
                return bubblewrap;
            }
        };
    }

    SandboxResult bash(String script, SandboxLimits limits) throws Exception {
        return sandbox.run(new SandboxRequest(List.of("bash", "-c", script), "", workspace, Map.of(), Map.of(), "", limits));
    }

    @Test
    void runsInTheWorkspaceWithAMinimalEnvironment() throws Exception {
        SandboxResult result = bash("pwd; env | sort", SandboxLimits.defaults());

        assertThat(result.succeeded()).as(result.toString()).isTrue();
        assertThat(result.stdout()).startsWith(workspace.toRealPath() + "\n");
        assertThat(result.stdout()).contains("WORKSPACE=" + workspace).contains("PATH=");
        assertThat(result.stdout()).doesNotContain("sk-planted-secret").doesNotContain("planted-token")
                .doesNotContain("OPENAI_API_KEY");
        // nothing of the test JVM's own environment leaks through either
        assertThat(result.stdout()).doesNotContain("JAVA_HOME=").doesNotContain("MAVEN");
    }

    @Test
    void inputGoesToStdinAndRequestVariablesAreSet() throws Exception {
        SandboxResult result = sandbox.run(new SandboxRequest(List.of("bash", "-c", "read -r line; echo \"$GREETING $line\""),
                "world\n", workspace, Map.of("GREETING", "hello"), Map.of(), "", SandboxLimits.defaults()));

        assertThat(result.stdout()).isEqualTo("hello world\n");
    }

    @Test
    void nonZeroExitIsReportedWithStderr() throws Exception {
        SandboxResult result = bash("echo oops >&2; exit 3", SandboxLimits.defaults());

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.succeeded()).isFalse();
        assertThat(result.stderr()).isEqualTo("oops\n");
        assertThat(result.timedOut()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"auto", "off"})
    void timeoutKillsTheWholeProcessGroup(String bubblewrap) throws Exception {
        // a duration no other process on the machine uses, to find the children among all processes
        String token = "300." + ProcessHandle.current().pid() + bubblewrap.length();
        SubprocessSandbox sandbox = new SubprocessSandbox(config(bubblewrap), Map.of("PATH", System.getenv("PATH")));
        SandboxResult result = sandbox.run(new SandboxRequest(List.of("bash", "-c", "sleep " + token + " & sleep " + token),
                "", workspace, Map.of(), Map.of(), "", SandboxLimits.defaults().withTimeout(Duration.ofSeconds(1))));

        assertThat(result.timedOut()).isTrue();
        assertThat(result.exitCode()).isEqualTo(-1);
        assertThat(result.killedReason()).contains("time limit");
        List<ProcessHandle> left = ProcessHandle.allProcesses()
                .filter(handle -> handle.info().arguments().map(args -> List.of(args).contains(token)).orElse(false))
                .toList();
        left.forEach(handle -> handle.onExit().orTimeout(5, TimeUnit.SECONDS).join());
        assertThat(left).noneMatch(ProcessHandle::isAlive);
    }

    @Test
    void outputIsCappedWithAMarker() throws Exception {
        SandboxLimits limits = new SandboxLimits(Duration.ofSeconds(30), 0, 0, false, 100);
        SandboxResult result = bash("head -c 1000000 /dev/zero | tr '\\0' x", limits);

        assertThat(result.stdout()).startsWith("x".repeat(100)).contains("999900 more characters cut");
    }

    @Test
    void filesArePlacedInAFreshFolderInsideTheWorkspaceAndRemovedAfterwards() throws Exception {
        SandboxResult result = sandbox.run(new SandboxRequest(List.of("bash", "-c", "pwd; cat a/b.txt"), "", workspace,
                Map.of(), Map.of("a/b.txt", "content".getBytes(StandardCharsets.UTF_8)), "", SandboxLimits.defaults()));

        assertThat(result.succeeded()).as(result.toString()).isTrue();
        assertThat(result.stdout()).startsWith(workspace.toRealPath().resolve(SubprocessSandbox.RUNS).toString())
                .endsWith("content");
        try (var left = Files.list(workspace.resolve(SubprocessSandbox.RUNS))) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void fileNamesThatLeaveTheFolderAreRefused() {
        // a name no other process on the machine uses, so its absence proves nothing escaped
        String x = "escaped-" + workspace.getFileName();
        for (String name : List.of("../" + x, "/etc/" + x, "a/../../" + x, "a\\..\\" + x, "~/" + x, "a/\0b")) {
            assertThatThrownBy(() -> sandbox.run(new SandboxRequest(List.of("true"), "", workspace, Map.of(),
                    Map.of(name, new byte[0]), "", SandboxLimits.defaults())))
                    .as(name).isInstanceOf(SandboxException.class);
        }
        assertThat(workspace.getParent().resolve(x)).doesNotExist();
    }

    @Test
    void noTraversalPayloadInAFileNameEscapesTheWorkspace() throws Exception {
        Path outside = workspace.getParent().resolve("outside-" + workspace.getFileName());
        java.nio.file.Files.createDirectories(outside);
        List<String> payloads = TraversalPayloads.all(List.of("secret.txt", "etc/passwd"));
        int refused = 0;
        for (String payload : payloads) {
            try {
                SandboxResult result = sandbox.run(new SandboxRequest(List.of("bash", "-c", "find . -type f"), "", workspace,
                        Map.of(), Map.of(payload, "payload".getBytes(StandardCharsets.UTF_8)), "", SandboxLimits.defaults()));
                assertThat(result.stdout()).as(payload).isNotBlank();
            } catch (SandboxException e) {
                refused++;
            }
        }
        try (var left = Files.walk(root)) {
            assertThat(left.filter(path -> List.of("secret.txt", "passwd").contains(path.getFileName().toString())))
                    .isEmpty();
        }
        try (var left = Files.list(workspace.resolve(SubprocessSandbox.RUNS))) {
            assertThat(left).isEmpty();
        }
        System.out.println("[figure] subprocess file names: " + payloads.size() + " payloads, " + refused
                + " refused, " + (payloads.size() - refused) + " placed inside the run folder, 0 escaped");
    }

    @Test
    void unknownProgramIsAClearError() {
        assertThatThrownBy(() -> sandbox.run(new SandboxRequest(List.of("no-such-program-xyz"), "", workspace, Map.of(),
                Map.of(), "", SandboxLimits.defaults())))
                .isInstanceOf(SandboxException.class).hasMessageContaining("no-such-program-xyz was not found");
    }
}
