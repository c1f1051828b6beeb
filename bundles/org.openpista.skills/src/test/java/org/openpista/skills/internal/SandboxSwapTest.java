package org.openpista.skills.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.chat.Cancellation;
import org.openpista.api.sandbox.Sandbox;
import org.openpista.api.sandbox.SandboxException;
import org.openpista.api.sandbox.SandboxRequest;
import org.openpista.api.sandbox.SandboxResult;
import org.openpista.api.tool.ToolContext;
import org.openpista.api.tool.ToolResult;

/**
 * A skill running while its sandbox bundle is swapped: the old version ends the run as it stops
 * (its service is withdrawn), and the skill runs once more on the new version instead of failing.
 * A run that fails while its sandbox stays is not repeated.
 */
class SandboxSwapTest {

    @TempDir
    Path root;

    /** One version of the subprocess sandbox: runs for real, or is stopped by the swap in the middle of the run. */
    static final class Version implements Sandbox {
        final AtomicBoolean withdrawn = new AtomicBoolean();
        final boolean swappedDuringRun;
        final List<SandboxRequest> seen = new ArrayList<>();
        final AtomicReference<Version> next;

        Version(boolean swappedDuringRun, AtomicReference<Version> next) {
            this.swappedDuringRun = swappedDuringRun;
            this.next = next;
        }

        @Override
        public String type() {
            return "subprocess";
        }

        @Override
        public SandboxResult run(SandboxRequest request) throws SandboxException, InterruptedException {
            seen.add(request);
            if (swappedDuringRun) {
                // the bundle stops: the service is unregistered, then the component kills what it runs
                withdrawn.set(true);
                next.set(new Version(false, next));
                return new SandboxResult(137, "", "", false, "killed: the subprocess sandbox is shutting down", Duration.ZERO);
            }
            try {
                Process process = new ProcessBuilder(request.command()).directory(root(request)).start();
                process.getOutputStream().close();
                String out = new String(process.getInputStream().readAllBytes());
                return new SandboxResult(process.waitFor(), out, "", false, "", Duration.ZERO);
            } catch (java.io.IOException e) {
                throw new SandboxException(e.getMessage(), e);
            }
        }

        private static java.io.File root(SandboxRequest request) {
            return request.workspace().toFile();
        }
    }

    SkillRunner runner(AtomicReference<Version> current) {
        SandboxLookup lookup = type -> {
            Version version = current.get();
            return Optional.of(new SandboxLookup.Lease(version, () -> { }, version.withdrawn::get));
        };
        return new SkillRunner(new SkillRunner.Settings(root.resolve("workspace"), false, false, 10_000, 256L << 20, Map.of()),
                lookup, new ObjectMapper());
    }

    Skill skill(String script) throws Exception {
        Path dir = Files.createDirectories(root.resolve("skills/greet"));
        Files.writeString(dir.resolve("SKILL.md"), "---\nname: greet\ndescription: x\n---\nbody\n");
        Files.writeString(dir.resolve("run.sh"), script);
        Files.createDirectories(root.resolve("workspace"));
        return new SkillFile().read(dir, "home");
    }

    ToolContext context() {
        return new ToolContext("s", "cli", root, Instant.now().plusSeconds(60), Cancellation.none());
    }

    @Test
    void aRunEndedByTheSandboxSwapRunsAgainOnTheNewVersion() throws Exception {
        AtomicReference<Version> current = new AtomicReference<>();
        Version old = new Version(true, current);
        current.set(old);

        ToolResult result = runner(current).run(skill("echo done"), "{}", context());

        assertThat(result.error()).as(result.content()).isFalse();
        assertThat(result.content()).isEqualTo("done\n");
        assertThat(old.seen).hasSize(1);
        assertThat(current.get()).isNotSameAs(old);
        assertThat(current.get().seen).as("once on the new version").hasSize(1);
    }

    @Test
    void aRunThatFailsWhileItsSandboxStaysIsNotRepeated() throws Exception {
        AtomicReference<Version> current = new AtomicReference<>();
        current.set(new Version(false, current));

        ToolResult result = runner(current).run(skill("echo no; exit 4"), "{}", context());

        assertThat(result.error()).isTrue();
        assertThat(result.content()).contains("exit code 4");
        assertThat(current.get().seen).hasSize(1);
    }
}
