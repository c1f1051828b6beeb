package org.openpista.skills.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.chat.Cancellation;
import org.openpista.api.sandbox.Sandbox;
import org.openpista.api.sandbox.SandboxException;
import org.openpista.api.sandbox.SandboxIsolation;
import org.openpista.api.sandbox.SandboxRequest;
import org.openpista.api.sandbox.SandboxResult;
import org.openpista.api.sandbox.SandboxUnavailableException;
import org.openpista.api.skill.SkillStatus;
import org.openpista.api.tool.ToolContext;
import org.openpista.api.tool.ToolResult;

class SkillsTest {

    @TempDir
    Path root;

    Path skill(Path parent, String folder, String frontMatter, String entry) throws IOException {
        Path dir = Files.createDirectories(parent.resolve(folder));
        Files.writeString(dir.resolve("SKILL.md"), "---\n" + frontMatter + "\n---\nThe instructions.\n");
        if (entry != null) {
            Files.writeString(dir.resolve(entry), "echo hi\n");
        }
        return dir;
    }

    @Test
    void skillFilesAreParsedWithDefaultsAndBothArgumentForms() throws Exception {
        SkillFile reader = new SkillFile();
        Skill shortForm = reader.read(skill(root, "greet", "name: greet\ndescription: Greets.\narguments:\n  who: {type: string}",
                "run.sh"), "home");
        Skill full = reader.read(skill(root, "py", "name: py\ndescription: Python.\ntimeout: 5\narguments:\n  type: object\n"
                + "  properties:\n    n: {type: integer}\n  required: [n]", "main.py"), "home");
        Skill wasm = reader.read(skill(root, "mod", "description: A module.", "mod.wasm"), "bundled");

        assertThat(shortForm.mode()).isEqualTo("subprocess");
        assertThat(shortForm.toolName()).isEqualTo("skill.greet");
        assertThat(shortForm.timeoutSecs()).isEqualTo(30);
        assertThat(shortForm.argumentsSchema()).isEqualTo("{\"type\":\"object\",\"properties\":{\"who\":{\"type\":\"string\"}}}");
        assertThat(shortForm.instructions()).isEqualTo("The instructions.");
        assertThat(full.entry().getFileName()).hasToString("main.py");
        assertThat(full.timeoutSecs()).isEqualTo(5);
        assertThat(full.argumentsSchema()).contains("\"required\":[\"n\"]");
        assertThat(wasm.name()).isEqualTo("mod");
        assertThat(wasm.mode()).isEqualTo("wasm");
    }

    @Test
    void invalidSkillFilesSayWhy() throws Exception {
        SkillFile reader = new SkillFile();
        assertThatThrownBy(() -> reader.read(skill(root, "a", "name: a", "run.sh"), "home")).hasMessageContaining("description is missing");
        assertThatThrownBy(() -> reader.read(skill(root, "b", "name: Bad Name\ndescription: x", "run.sh"), "home"))
                .hasMessageContaining("lower-case");
        assertThatThrownBy(() -> reader.read(skill(root, "c", "name: c\ndescription: x\nmode: wasm", "run.sh"), "home"))
                .hasMessageContaining("does not fit");
        assertThatThrownBy(() -> reader.read(skill(root, "d", "name: d\ndescription: x", null), "home"))
                .hasMessageContaining("no entry");
        assertThatThrownBy(() -> reader.read(skill(root, "e", "name: e\ndescription: x\nmode: vm", "run.sh"), "home"))
                .hasMessageContaining("mode must be one of");
        assertThatThrownBy(() -> reader.read(skill(root, "f", "name: [unclosed\ndescription: x", "run.sh"), "home"))
                .hasMessageContaining("not valid YAML");
        assertThatThrownBy(() -> reader.read(skill(root, "g", "name: g\ndescription: x\nentry: ../../etc/passwd", "run.sh"),
                "home")).hasMessageContaining("entry must be a file name");
    }

    @Test
    void theScannerSeesChangesSkipsLinksAndHiddenFoldersAndLetsTheWorkspaceWin() throws Exception {
        Path bundled = Files.createDirectories(root.resolve("bundled"));
        Path home = Files.createDirectories(root.resolve("home"));
        Path workspace = Files.createDirectories(root.resolve("workspace"));
        Path outside = Files.createDirectories(root.resolve("outside"));
        skill(bundled, "hello", "name: hello\ndescription: bundled hello", "run.sh");
        skill(home, "nested/deeper/tool", "name: tool\ndescription: a tool", "run.sh");
        skill(workspace, "hello", "name: hello\ndescription: my own hello", "run.sh");
        skill(workspace, ".hidden/secret", "name: secret\ndescription: hidden", "run.sh");
        skill(outside, "linked", "name: linked\ndescription: outside", "run.sh");
        Files.createSymbolicLink(workspace.resolve("link"), outside);
        skill(workspace, "broken", "name: broken", "run.sh");
        List<SkillScanner.Root> roots = List.of(new SkillScanner.Root(bundled, "bundled"), new SkillScanner.Root(home, "home"),
                new SkillScanner.Root(workspace, "workspace"));
        SkillScanner scanner = new SkillScanner(6, 5000);

        SkillScanner.Result first = scanner.scan(roots);
        assertThat(first.skills()).containsOnlyKeys("hello", "tool");
        assertThat(first.skills().get("hello").description()).isEqualTo("my own hello");
        assertThat(first.skills().get("hello").origin()).isEqualTo("workspace");
        assertThat(first.shadowed()).containsOnlyKeys("hello");
        assertThat(first.shadowed().get("hello")).singleElement().satisfies(hidden -> {
            assertThat(hidden.origin()).isEqualTo("bundled");
            assertThat(hidden.description()).isEqualTo("bundled hello");
        });
        assertThat(first.problems()).singleElement().asString().contains("broken").contains("description is missing");

        Files.writeString(workspace.resolve("hello/SKILL.md"), "---\nname: hello\ndescription: changed hello\n---\n");
        Files.setLastModifiedTime(workspace.resolve("hello/SKILL.md"), java.nio.file.attribute.FileTime.from(Instant.now().plusSeconds(5)));
        skill(workspace, "added", "name: added\ndescription: new", "run.sh");
        ArchiveInstaller.deleteTree(home.resolve("nested"));
        SkillScanner.Result second = scanner.scan(roots);
        assertThat(second.skills()).containsOnlyKeys("hello", "added");
        assertThat(second.skills().get("hello").description()).isEqualTo("changed hello");
    }

    @Test
    void thePromptSectionStaysWithinItsBound() throws Exception {
        List<Skill> skills = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            skills.add(new Skill("skill" + i, "d".repeat(500), "subprocess", "", 30, false, "{}", "", root, root, "home", ""));
        }
        String section = new PromptSection(4000).render(skills);

        assertThat(section.length()).isLessThanOrEqualTo(4000);
        assertThat(section).startsWith("## Skills").contains("- skill.skill0: ddd").contains("more skills not listed");
        assertThat(new PromptSection(4000).render(List.of())).isEmpty();
    }

    /** A sandbox that runs the request for real on the host, or fails the way it is told. */
    record TestSandbox(String type, SandboxException failure, List<SandboxRequest> seen) implements Sandbox {
        @Override
        public SandboxResult run(SandboxRequest request) throws SandboxException, InterruptedException {
            seen.add(request);
            if (failure != null) {
                throw failure;
            }
            try {
                ProcessBuilder builder = new ProcessBuilder(request.command());
                builder.environment().clear();
                builder.environment().put("PATH", System.getenv("PATH"));
                builder.environment().putAll(request.environment());
                Process process = builder.start();
                try (var stdin = process.getOutputStream()) {
                    stdin.write(request.input().getBytes(StandardCharsets.UTF_8));
                } catch (IOException notReading) {
                    // the command exited without reading its input
                }
                String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                return new SandboxResult(process.waitFor(), out, err, false, "", Duration.ZERO);
            } catch (IOException e) {
                throw new SandboxException(e.getMessage(), e);
            }
        }
    }

    SkillRunner runner(boolean requireDocker, boolean allowHostFallback, Map<String, Sandbox> sandboxes) {
        return new SkillRunner(new SkillRunner.Settings(root.resolve("workspace"), requireDocker, allowHostFallback, 10_000,
                256L << 20, Map.of("PASSED_ON", "by-pass-env")),
                type -> Optional.ofNullable(sandboxes.get(type)).map(sandbox -> new SandboxLookup.Lease(sandbox, () -> { })),
                new ObjectMapper());
    }

    ToolContext context() {
        return new ToolContext("s", "cli", root, Instant.now().plusSeconds(60), Cancellation.none());
    }

    @Test
    void runningASkillPassesArgumentsAndTurnsFailuresIntoToolErrors() throws Exception {
        Path dir = skill(root, "echo", "name: echo\ndescription: x\narguments:\n  n: {type: integer}\n  required: {}", "run.sh");
        Files.writeString(dir.resolve("run.sh"), "read -r args; echo \"got $args as $SKILL_NAME\"; [ \"$SKILL_ARGS\" = '{\"n\":1}' ] || { echo bad >&2; exit 3; }");
        Skill skill = new SkillFile().read(dir, "home");
        List<SandboxRequest> seen = new ArrayList<>();
        SkillRunner runner = runner(false, false, Map.of("subprocess", new TestSandbox("subprocess", null, seen)));

        ToolResult ok = runner.run(skill, "{\"n\":1}", context());
        ToolResult failed = runner.run(skill, "{\"n\":2}", context());
        ToolResult invalid = runner.run(skill, "{\"n\":\"one\"}", context());
        ToolResult notJson = runner.run(skill, "{n:", context());

        assertThat(ok.error()).as(ok.content()).isFalse();
        assertThat(ok.content()).isEqualTo("got {\"n\":1} as echo\n");
        assertThat(failed.error()).isTrue();
        assertThat(failed.content()).isEqualTo("skill.echo failed with exit code 3:\nbad");
        assertThat(invalid.content()).contains("\"n\" must be of type integer");
        assertThat(notJson.content()).contains("not valid JSON");
        assertThat(seen).hasSize(2);
        assertThat(seen.get(0).workspace()).isEqualTo(root.resolve("workspace"));
        assertThat(seen.get(0).environment()).containsOnlyKeys("SKILL_NAME", "SKILL_DIR", "SKILL_ARGS", "PASSED_ON");
        assertThat(seen.get(0).limits().network()).isFalse();
    }

    @Test
    void aDockerSkillWithoutDockerIsRefusedUnlessHostFallbackIsAllowed() throws Exception {
        Path dir = skill(root, "boxed", "name: boxed\ndescription: x\nmode: docker\nimage: alpine:3", "run.sh");
        Skill skill = new SkillFile().read(dir, "workspace");
        List<SandboxRequest> dockerSeen = new ArrayList<>();
        List<SandboxRequest> hostSeen = new ArrayList<>();
        Map<String, Sandbox> sandboxes = Map.of(
                "docker", new TestSandbox("docker", new SandboxUnavailableException("Docker is unreachable at unix:///x", null), dockerSeen),
                "subprocess", new TestSandbox("subprocess", null, hostSeen));

        ToolResult byDefault = runner(false, false, sandboxes).run(skill, "{}", context());
        ToolResult fallback = runner(false, true, sandboxes).run(skill, "{}", context());
        ToolResult required = runner(true, true, sandboxes).run(skill, "{}", context());

        assertThat(byDefault.error()).isTrue();
        assertThat(byDefault.content()).contains("was refused").contains("Docker is unreachable at unix:///x")
                .contains("allow_host_fallback = true");
        assertThat(fallback.error()).as(fallback.content()).isFalse();
        assertThat(fallback.content()).startsWith("[warning: Docker is unavailable (Docker is unreachable at unix:///x)")
                .endsWith("hi\n");
        assertThat(required.error()).isTrue();
        assertThat(required.content()).contains("was refused").contains("require_docker = false");
        assertThat(hostSeen).hasSize(1);
        assertThat(dockerSeen).hasSize(3);
        SandboxRequest container = dockerSeen.get(0);
        assertThat(container.image()).isEqualTo("alpine:3");
        assertThat(container.files()).containsKeys("skill/SKILL.md", "skill/run.sh");
        assertThat(container.environment()).containsEntry("SKILL_DIR", "/sandbox/skill").containsEntry("PASSED_ON", "by-pass-env");
    }

    @Test
    void aSkillGetsTheNetworkOnlyWhenItsSkillFileSaysSo() throws Exception {
        Skill online = new SkillFile().read(skill(root, "online", "name: online\ndescription: x\nnetwork: true", "run.sh"), "home");
        Skill offline = new SkillFile().read(skill(root, "offline", "name: offline\ndescription: x", "run.sh"), "home");
        List<SandboxRequest> seen = new ArrayList<>();
        SkillRunner runner = runner(false, false, Map.of("subprocess", new TestSandbox("subprocess", null, seen)));

        runner.run(online, "{}", context());
        runner.run(offline, "{}", context());

        assertThat(seen).extracting(request -> request.limits().network()).containsExactly(true, false);
        assertThatThrownBy(() -> new SkillFile().read(skill(root, "odd", "name: odd\ndescription: x\nnetwork: maybe", "run.sh"),
                "home")).hasMessageContaining("network must be true or false");
    }

    @Test
    void passEnvPassesOnlyTheNamedVariablesThatAreSet() {
        Map<String, String> daemon = Map.of("GITHUB_TOKEN", "ghp-1", "OPENPISTA_API_KEY", "sk-2", "LANG", "C");

        assertThat(SkillCatalogComponent.passed(new String[] {"GITHUB_TOKEN", " UNSET "}, daemon))
                .containsExactlyEntriesOf(Map.of("GITHUB_TOKEN", "ghp-1"));
        assertThat(SkillCatalogComponent.passed(new String[0], daemon)).isEmpty();
    }

    @Test
    void theIsolationOfEachModeIsWhatItsSandboxReports() throws Exception {
        Skill host = new SkillFile().read(skill(root, "h", "name: h\ndescription: x", "run.sh"), "bundled");
        Skill boxed = new SkillFile().read(skill(root, "b", "name: b\ndescription: x\nmode: docker", "run.sh"), "workspace");
        Skill module = new SkillFile().read(skill(root, "m", "name: m\ndescription: x", "m.wasm"), "home");
        Map<String, Sandbox> sandboxes = Map.of(
                "subprocess", new ReportingSandbox("subprocess", "bubblewrap", null),
                "docker", new ReportingSandbox("docker", null, "cannot talk to Docker at unix:///x"));
        SandboxLookup lookup = type -> Optional.ofNullable(sandboxes.get(type)).map(sandbox -> new SandboxLookup.Lease(sandbox, () -> { }));

        IsolationCheck strict = new IsolationCheck(lookup, runner(false, false, sandboxes).settings());
        IsolationCheck lenient = new IsolationCheck(lookup, runner(false, true, sandboxes).settings());

        assertThat(strict.of(host)).isEqualTo("bubblewrap");
        assertThat(strict.of(boxed)).isEqualTo("refused: cannot talk to Docker at unix:///x (no host fallback)");
        assertThat(strict.of(module)).isEqualTo("refused: the wasm sandbox is not installed");
        assertThat(lenient.of(boxed)).isEqualTo("fallback, bubblewrap: cannot talk to Docker at unix:///x");
    }

    @Test
    void theSkillsTableShowsIsolationAndShadowing() throws Exception {
        Skill bundled = new SkillFile().read(skill(root.resolve("b"), "word-count", "name: word-count\ndescription: bundled", "run.sh"),
                "bundled");
        Skill mine = new SkillFile().read(skill(root.resolve("w"), "word-count", "name: word-count\ndescription: mine\nmode: docker",
                "run.sh"), "workspace");

        String table = SkillCommands.table(List.of(new SkillStatus(mine.info(), "refused: Docker is down", List.of(bundled.info()))));

        assertThat(table).contains("ISOLATION").contains("word-count  docker      workspace  refused: Docker is down")
                .contains("! shadows the bundled skill word-count in " + root.resolve("b/word-count"));
    }

    /** A sandbox that only reports its isolation (or that it is unavailable); nothing runs in it. */
    record ReportingSandbox(String type, String reported, String unavailable) implements Sandbox, SandboxIsolation {
        @Override
        public SandboxResult run(SandboxRequest request) throws SandboxException {
            throw new SandboxException("not for running", null);
        }

        @Override
        public String isolation() throws SandboxUnavailableException {
            if (unavailable != null) {
                throw new SandboxUnavailableException(unavailable, null);
            }
            return reported;
        }
    }

    @Test
    void theApprovalNoteSaysWhereASkillComesFromWhatItShadowsAndHowItRuns() {
        Path workspace = Path.of("/w/word-count");
        Path bundled = Path.of("/dist/skills/word-count");
        Skill mine = new Skill("word-count", "counts", "docker", "", 30, false, "{}", "", workspace, workspace, "workspace", "");
        Skill hidden = new Skill("word-count", "counts", "subprocess", "", 30, false, "{}", "", bundled, bundled, "bundled", "");

        assertThat(SkillCatalogComponent.approvalNote(mine, java.util.List.of(hidden), false)).isEqualTo(
                "workspace skill from /w/word-count; it shadows the bundled skill of the same name in /dist/skills/word-count; "
                        + "runs in a Docker container only");
        assertThat(SkillCatalogComponent.approvalNote(mine, java.util.List.of(), true))
                .endsWith("runs in a Docker container, or on the host when Docker is unreachable");
        assertThat(SkillCatalogComponent.approvalNote(hidden, java.util.List.of(), false))
                .isEqualTo("bundled skill from /dist/skills/word-count; runs in the subprocess sandbox (bubblewrap where it works,"
                        + " else on the host without isolation)");
    }
}
