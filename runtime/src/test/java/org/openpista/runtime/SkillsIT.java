package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.runtime.DistributionProcess.Result;
import org.openpista.testkit.FakeOpenAiServer;
import org.openpista.testkit.FakeReply;

/**
 * Skills end to end: the real distribution runs `openpista run -e` against the fake OpenAI server,
 * which calls skill tools; the tool results it receives back are what the model would read.
 */
class SkillsIT {

    static final String IMAGE = System.getenv().getOrDefault("OPENPISTA_TEST_IMAGE", "openpista-test/busybox:latest");
    static final Path PROBE = Path.of("../bundles/org.openpista.sandbox.wasm/src/test/resources/probe.wasm")
            .toAbsolutePath().normalize();

    @TempDir
    Path home;

    Path workspace;
    FakeOpenAiServer fake;

    @BeforeEach
    void setUp() throws IOException {
        fake = new FakeOpenAiServer();
        workspace = Files.createDirectories(home.resolve("workspace"));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(workspace, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    void config(String skills) throws IOException {
        ShellTurn.writeConfig(home, fake, """
                [skills]
                docker_image = "%s"
                """.formatted(IMAGE) + skills + "\n");
    }

    Path skill(String name, String mode, String entry, String script) throws IOException {
        Path folder = Files.createDirectories(workspace.resolve("skills").resolve(name));
        Files.writeString(folder.resolve("SKILL.md"), """
                ---
                name: %s
                description: Test skill %s.
                mode: %s
                timeout: 30
                ---
                Instructions of %s.
                """.formatted(name, name, mode, name));
        Files.writeString(folder.resolve(entry), script);
        return folder;
    }

    /** @return the tool results the fake received, in order */
    List<String> toolResults() {
        List<String> results = new ArrayList<>();
        JsonNode last = fake.requests().get(fake.requests().size() - 1).json().path("messages");
        for (JsonNode message : last) {
            if (message.path("role").asText().equals("tool")) {
                results.add(message.path("content").asText());
            }
        }
        return results;
    }

    static boolean dockerReachable() {
        try {
            Process ps = new ProcessBuilder("docker", "image", "inspect", IMAGE).redirectErrorStream(true).start();
            ps.getInputStream().readAllBytes();
            return ps.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static void requireDocker() {
        if (!dockerReachable()) {
            String reason = "Docker with the image " + IMAGE + " is needed (see .ci/run)";
            if ("all".equals(System.getenv("OPENPISTA_IT_REQUIRE"))) {
                throw new AssertionError(reason);
            }
            Assumptions.abort(reason);
        }
    }

    @Test
    void bundledSkillsAreOfferedAsToolsListedInThePromptAndRun() throws Exception {
        config("");
        fake.enqueue(FakeReply.toolCall("skill.hello", "{\"name\":\"Ada\"}"),
                FakeReply.toolCall("skill.hello-wasm", "{\"name\":\"Bob\"}"),
                FakeReply.text("Greeted twice."));

        Result result = DistributionProcess.run(home, Map.of(), "run", "-e", "greet Ada and Bob with skills");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).isEqualTo("Greeted twice.\n");
        JsonNode first = fake.requests().get(0).json();
        assertThat(first.path("messages").get(0).path("content").asText()).contains("## Skills")
                .contains("skill.hello: Greets someone by name").contains("skill.hello-wasm").contains("skill.word-count");
        assertThat(first.path("tools").toString()).contains("skill_hello").contains("system_run");
        List<String> results = toolResults();
        assertThat(results.get(0)).contains("Hello, Ada! (skill hello, working in " + workspace);
        assertThat(results.get(1)).contains("\"greeting\":\"Hello, Bob!\"");
        // wasmtime's native library was loaded inside Felix through Bundle-NativeCode
        assertThat(Files.readString(home.resolve("logs/openpista.0.log"))).contains("wasm sandbox: engine wasmtime");
    }

    @Test
    void withoutWasmtimesNativeLibraryWasmSkillsRunOnChicory() throws Exception {
        config("");
        fake.enqueue(FakeReply.toolCall("skill.hello-wasm", "{\"name\":\"Cy\"}"), FakeReply.text("ok"));

        // wasmtime-java skips loading its library when this variable is set, as on a platform without one
        Result result = DistributionProcess.run(home, Map.of("WASMTIME_JNI_LOAD_DISABLED", "1"), "run", "-e", "greet Cy");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(toolResults().get(0)).contains("\"greeting\":\"Hello, Cy!\"");
        String log = Files.readString(home.resolve("logs/openpista.0.log"));
        assertThat(log).contains("cannot be loaded here").contains("wasm sandbox: engine chicory");
    }

    @Test
    void theSkillsCommandInstallsListsAndRemoves() throws Exception {
        Path zip = home.resolve("demo.zip");
        try (java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new java.util.zip.ZipEntry("demo/SKILL.md"));
            out.write("---\nname: demo\ndescription: Installed from an archive.\n---\n".getBytes(StandardCharsets.UTF_8));
            out.putNextEntry(new java.util.zip.ZipEntry("demo/run.sh"));
            out.write("echo demo\n".getBytes(StandardCharsets.UTF_8));
            out.putNextEntry(new java.util.zip.ZipEntry("demo/../../escaped.txt"));
            out.write("x".getBytes(StandardCharsets.UTF_8));
        }
        Result rejected = DistributionProcess.run(home, Map.of(), "skills", "install", zip.toString());
        assertThat(rejected.exitCode()).as(rejected.toString()).isEqualTo(1);
        assertThat(rejected.stderr()).contains("rejected the archive").contains("demo/../../escaped.txt")
                .doesNotContain("Exception");
        assertThat(home.resolve("escaped.txt")).doesNotExist();
        assertThat(home.resolve("skills/demo")).doesNotExist();

        try (java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new java.util.zip.ZipEntry("SKILL.md"));
            out.write("---\nname: demo\ndescription: Installed from an archive.\n---\n".getBytes(StandardCharsets.UTF_8));
            out.putNextEntry(new java.util.zip.ZipEntry("run.sh"));
            out.write("echo demo\n".getBytes(StandardCharsets.UTF_8));
        }
        Result installed = DistributionProcess.run(home, Map.of(), "skills", "install", zip.toString());
        Result listed = DistributionProcess.run(home, Map.of(), "--log-level", "info", "skills", "list");
        Result removed = DistributionProcess.run(home, Map.of(), "skills", "remove", "demo");

        assertThat(installed.exitCode()).as(installed.toString()).isZero();
        assertThat(installed.stdout()).contains("Installed skill demo (subprocess) into " + home.resolve("skills/demo"));
        assertThat(listed.stdout()).contains("demo").contains("home").contains("Installed from an archive.")
                .contains("hello-wasm").contains("bundled");
        assertThat(removed.exitCode()).as(removed.toString()).isZero();
        assertThat(home.resolve("skills/demo")).doesNotExist();
    }

    @Test
    void aWorkspaceSkillThatFailsIsAToolErrorWithItsStderr() throws Exception {
        config("");
        skill("failing", "subprocess", "run.sh", "echo partial output\necho 'bad things happened' >&2\nexit 4\n");
        fake.enqueue(FakeReply.toolCall("skill.failing", "{}"), FakeReply.text("It failed."));

        Result result = DistributionProcess.run(home, Map.of(), "run", "-e", "run the failing skill");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(toolResults().get(0)).contains("skill.failing failed with exit code 4").contains("bad things happened");
    }

    @Test
    void aSkillAddedWhileTheRuntimeRunsIsPickedUpWithoutRestart() throws Exception {
        config("scan_interval_secs = 1");
        String create = "mkdir -p skills/fresh && printf -- '---\\nname: fresh\\ndescription: Made during the turn.\\n---\\n' "
                + "> skills/fresh/SKILL.md && printf 'echo fresh skill ran' > skills/fresh/run.sh && sleep 3";
        fake.enqueue(FakeReply.toolCall("system.run", "{\"command\":\"" + create.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}"),
                FakeReply.toolCall("skill.fresh", "{}"),
                FakeReply.text("done"));

        Result result = DistributionProcess.run(home, Map.of(), "run", "-e", "make a skill and use it");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(fake.requests().get(0).json().path("tools").toString()).doesNotContain("skill_fresh");
        assertThat(fake.requests().get(2).json().path("tools").toString()).contains("skill_fresh");
        assertThat(toolResults().get(1)).contains("fresh skill ran");
    }

    @Test
    void dockerUnreachableIsRefusedUnlessHostFallbackIsAllowed() throws Exception {
        skill("where", "docker", "run.sh", "echo ran-somewhere\n");
        config("docker_host = \"unix:///nonexistent/docker.sock\"");
        fake.enqueue(FakeReply.toolCall("skill.where", "{}"), FakeReply.text("ok"));
        Result refused = DistributionProcess.run(home, Map.of(), "run", "-e", "where?");
        assertThat(refused.exitCode()).as(refused.toString()).isZero();
        assertThat(toolResults().get(0)).contains("skill.where was refused").contains("allow_host_fallback = true")
                .contains("Docker is unreachable at unix:///nonexistent/docker.sock").doesNotContain("ran-somewhere");

        config("docker_host = \"unix:///nonexistent/docker.sock\"\nallow_host_fallback = true");
        fake.enqueue(FakeReply.toolCall("skill.where", "{}"), FakeReply.text("ok"));
        Result fallback = DistributionProcess.run(home, Map.of(), "run", "-e", "where?");
        assertThat(fallback.exitCode()).as(fallback.toString()).isZero();
        assertThat(toolResults().get(0)).contains("warning: Docker is unavailable").contains("subprocess sandbox")
                .contains("ran-somewhere");

        config("docker_host = \"unix:///nonexistent/docker.sock\"\nallow_host_fallback = true\nrequire_docker = true");
        fake.enqueue(FakeReply.toolCall("skill.where", "{}"), FakeReply.text("ok"));
        Result required = DistributionProcess.run(home, Map.of(), "run", "-e", "where?");
        assertThat(required.exitCode()).as(required.toString()).isZero();
        assertThat(toolResults().get(0)).contains("skill.where was refused").doesNotContain("ran-somewhere");
    }

    @Test
    void skillsListSaysTheIsolationOfEachSkillAndWhatAWorkspaceSkillShadows() throws Exception {
        requireBubblewrap();
        config("docker_host = \"unix:///nonexistent/docker.sock\"");
        skill("word-count", "docker", "run.sh", "echo not the real word-count\n");

        Result listed = DistributionProcess.run(home, Map.of(), "--log-level", "info", "skills", "list");

        assertThat(listed.exitCode()).as(listed.toString()).isZero();
        List<String> lines = listed.stdout().lines().toList();
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("hello ").contains("bundled").contains("bubblewrap"));
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("hello-wasm ").contains("wasm (wasmtime)"));
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("word-count ").contains("workspace")
                .contains("refused: ").contains("no host fallback"));
        assertThat(listed.stdout()).contains("! shadows the bundled skill word-count in ");
        // a command that is no daemon logs on standard error only when asked to, never into the daemon's files
        assertThat(listed.stderr()).contains("Skill word-count from the workspace").contains("shadows the bundled skill");
        assertThat(home.resolve("logs/openpista.0.log")).doesNotExist();
    }

    static void requireBubblewrap() {
        if (!Files.isExecutable(Path.of("/usr/bin/bwrap"))) {
            String reason = "bubblewrap (/usr/bin/bwrap) is needed (apt-get install bubblewrap, see .ci/run)";
            if ("all".equals(System.getenv("OPENPISTA_IT_REQUIRE"))) {
                throw new AssertionError(reason);
            }
            Assumptions.abort(reason);
        }
    }

    @Test
    void noPlantedSecretReachesASkillOrSystemRunThroughEnvOrProc() throws Exception {
        requireBubblewrap();
        config("");
        String probe = "echo \"== parent of pid $$: $PPID\"; tr '\\0' '\\n' </proc/$PPID/environ; echo '== env'; env\n";
        skill("env-proc", "subprocess", "run.sh", probe);
        fake.enqueue(FakeReply.toolCall("skill.env-proc", "{}"),
                FakeReply.toolCall("system.run", "{\"command\":\"env\"}"),
                FakeReply.text("ok"));
        Map<String, String> planted = Map.of(
                "OPENPISTA_API_KEY", "sk-op-planted-0101",
                "DATABASE_URL", "postgres://app:planted-db-0102@db/app",
                "SLACK_WEBHOOK", "https://hooks.example/planted-0103",
                "AWS_ACCESS_KEY_ID", "AKIAPLANTED0104",
                "AWS_SECRET_ACCESS_KEY", "planted-0105",
                "GITHUB_TOKEN", "ghp-planted-0106");

        Result result = DistributionProcess.run(home, planted, "run", "-e", "look for secrets");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        List<String> results = toolResults();
        assertThat(results.get(0)).contains("SKILL_NAME=env-proc").contains("== env");
        assertThat(results.get(1)).contains("PATH=");
        int held = 0;
        for (String secret : planted.values()) {
            assertThat(String.join("\n", results)).doesNotContain(secret);
            held++;
        }
        Files.writeString(Path.of("target/security-figures.txt"), "planted secrets: " + planted.size() + " planted in the"
                + " daemon's environment; a subprocess skill (bubblewrap) reading /proc/$PPID/environ and env and system.run's"
                + " env saw " + (planted.size() - held) + "\n",
                StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }

    @Test
    void aDockerSkillRunsLockedDownInAContainer() throws Exception {
        requireDocker();
        config("");
        fake.enqueue(FakeReply.toolCall("skill.hello-docker", "{}"),
                FakeReply.toolCall("container.run", "{\"command\":\"dd if=/dev/zero of=/dev/null bs=400M count=1\"}"),
                FakeReply.text("ok"));

        Result result = DistributionProcess.run(home, Map.of(), "run", "-e", "check the container");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        List<String> results = toolResults();
        assertThat(results.get(0)).contains("interfaces: lo \n").contains("workspace: read-only")
                .doesNotContain("user: 0\n");
        assertThat(results.get(1)).contains("killed: out of memory");
        JsonNode toolMessage = fake.requests().get(2).json().path("messages");
        assertThat(toolMessage.toString()).contains("killed: out of memory");
    }

    @Test
    void aPlantedSecretIsVisibleInNoSandbox() throws Exception {
        requireDocker();
        config("");
        skill("env-sub", "subprocess", "run.sh", "env\n");
        skill("env-docker", "docker", "run.sh", "env\n");
        Path wasm = Files.createDirectories(workspace.resolve("skills/env-wasm"));
        Files.writeString(wasm.resolve("SKILL.md"), "---\nname: env-wasm\ndescription: Prints the environment.\nmode: wasm\n---\n");
        Files.copy(PROBE, wasm.resolve("probe.wasm"));
        fake.enqueue(FakeReply.toolCall("skill.env-sub", "{}"), FakeReply.toolCall("skill.env-docker", "{}"),
                FakeReply.toolCall("skill.env-wasm", "{\"op\":\"env\"}"), FakeReply.text("ok"));
        Map<String, String> planted = Map.of(
                "ANTHROPIC_API_KEY", "sk-ant-planted-0001",
                "GITHUB_TOKEN", "ghp-planted-0002",
                "OPENPISTA_API_KEY", "sk-op-planted-0003",
                "MY_SERVICE_PASSWORD", "planted-password-0004");

        Result result = DistributionProcess.run(home, planted, "run", "-e", "print the environments");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        List<String> results = toolResults();
        assertThat(results).hasSize(3);
        assertThat(results.get(0)).contains("SKILL_NAME=env-sub");
        assertThat(results.get(1)).contains("SKILL_NAME=env-docker");
        assertThat(results.get(2)).contains("SKILL_NAME=env-wasm");
        String all = String.join("\n", results) + fake.requests().get(3).body();
        for (String secret : planted.values()) {
            assertThat(all).doesNotContain(secret);
        }
        assertThat(all).doesNotContain("sk-test-secret-123");
        Files.writeString(Path.of("target/security-figures.txt"), "planted secrets: " + planted.size()
                + " planted in the daemon's environment, visible in 0 of 3 sandboxes (subprocess, docker, wasm)\n",
                StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }
}
