package org.openpista.sandbox.docker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.sandbox.SandboxException;
import org.openpista.api.sandbox.SandboxLimits;
import org.openpista.api.sandbox.SandboxRequest;
import org.openpista.api.sandbox.SandboxResult;
import org.openpista.api.sandbox.SandboxUnavailableException;
import org.openpista.testkit.SecurityFigures;

/**
 * The docker sandbox against a real Docker daemon ({@code DOCKER_HOST} or the local socket) and
 * a local image ({@code OPENPISTA_TEST_IMAGE}, default {@value #DEFAULT_IMAGE}, which {@code .ci/run}
 * builds without a registry). Skipped without a daemon, unless {@code OPENPISTA_IT_REQUIRE=all}.
 * Figures of the security checks go to {@code target/security-figures.txt}.
 */
class DockerSandboxTest {

    static final String DEFAULT_IMAGE = "openpista-test/busybox:latest";
    static final String IMAGE = env("OPENPISTA_TEST_IMAGE", DEFAULT_IMAGE);

    static DockerSandbox sandbox;

    @TempDir
    Path workspace;

    @BeforeAll
    static void requireDocker() {
        sandbox = new DockerSandbox(config(""), System.getenv());
        String problem = null;
        try {
            sandbox.engine().ping();
            SandboxResult probe = sandbox.run(new SandboxRequest(List.of("true"), "", null, Map.of(), Map.of(), IMAGE,
                    SandboxLimits.defaults()));
            if (!probe.succeeded()) {
                problem = "the test image " + IMAGE + " does not run: " + probe;
            }
        } catch (SandboxException e) {
            problem = e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problem = "interrupted";
        }
        if (problem != null) {
            sandbox.deactivate();
            String reason = "Docker tests need a daemon and the image " + IMAGE + " (see .ci/run): " + problem;
            if ("all".equals(System.getenv("OPENPISTA_IT_REQUIRE"))) {
                fail(reason);
            }
            Assumptions.abort(reason);
        }
    }

    @AfterAll
    static void close() {
        if (sandbox != null) {
            sandbox.deactivate();
        }
    }

    @AfterEach
    void noContainerIsLeftBehind() throws Exception {
        assertThat(sandbox.engine().live()).isEmpty();
        assertThat(labelledContainers()).isEmpty();
    }

    static DockerSandbox.Config config(String host) {
        return new DockerSandbox.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return DockerSandbox.Config.class;
            }

            @Override
            public String docker_host() {
                return host;
            }

            @Override
            public String docker_image() {
                return IMAGE;
            }

            @Override
            public double docker_cpus() {
                return 1.0;
            }

            @Override
            public boolean docker_pull() {
                return false;
            }

            @Override
            public int docker_uid() {
                return 0;
            }

            @Override
            public String workspace() {
                return "";
            }

            @Override
            public int max_output_chars() {
                return 10_000;
            }
        };
    }

    SandboxResult sh(String script, SandboxLimits limits) throws Exception {
        return sandbox.run(new SandboxRequest(List.of("sh", "-c", script), "", workspace, Map.of(), Map.of(), "", limits));
    }

    @Test
    void runsACommandWithInputFilesAndEnvironment() throws Exception {
        // the tasks run as an unprivileged user: the workspace must be readable to others (or be the daemon user's)
        Files.setPosixFilePermissions(workspace, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(workspace.resolve("data.txt"), "from the workspace\n");
        SandboxResult result = sandbox.run(new SandboxRequest(
                List.of("sh", "-c", "read -r line; echo \"$GREETING $line\"; cat skill/hello.txt; cat /workspace/data.txt; "
                        + "pwd; id -u; echo oops >&2; exit 3"),
                "world\n", workspace, Map.of("GREETING", "hello"),
                Map.of("skill/hello.txt", "injected\n".getBytes(StandardCharsets.UTF_8)), "", SandboxLimits.defaults()));

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(3);
        assertThat(result.stdout()).isEqualTo("hello world\ninjected\nfrom the workspace\n/sandbox\n" + sandbox.settings().uid() + "\n");
        assertThat(result.stderr()).isEqualTo("oops\n");
        assertThat(result.timedOut()).isFalse();
        assertThat(result.killedReason()).isEmpty();
    }

    @Test
    void theContainerIsLockedDown() throws Exception {
        SandboxResult result = sh("""
                grep -E '^(CapEff|CapPrm|NoNewPrivs)' /proc/self/status
                touch /workspace/x 2>/dev/null && echo workspace-writable || echo workspace-read-only
                touch /etc/x 2>/dev/null && echo rootfs-writable || echo rootfs-read-only
                touch /tmp/x && echo tmp-writable
                cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max
                cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max
                """, SandboxLimits.defaults());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).contains("CapEff:\t0000000000000000").contains("CapPrm:\t0000000000000000")
                .contains("NoNewPrivs:\t1").contains("workspace-read-only").contains("rootfs-read-only")
                .contains("tmp-writable").contains(Long.toString(256L * 1024 * 1024)).contains("64");
        assertThat(workspace.resolve("x")).doesNotExist();
    }

    @Test
    void theNetworkIsUnreachable() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            int port = server.getLocalPort();
            AtomicInteger accepted = new AtomicInteger();
            CompletableFuture.runAsync(() -> {
                try {
                    server.accept().close();
                    accepted.incrementAndGet();
                } catch (IOException closed) {
                    // the test is over
                }
            });
            SandboxResult result = sh("cat /proc/net/dev | tail -n +3 | cut -d: -f1 | tr -d ' '; "
                    + "nc -w 2 127.0.0.1 " + port + " </dev/null && echo connected || echo no-connection; "
                    + "wget -q -T 2 -O- http://127.0.0.1:" + port + "/ 2>&1 || echo no-http", SandboxLimits.defaults());

            assertThat(result.stdout()).as(result.toString()).startsWith("lo\n").contains("no-connection")
                    .contains("no-http").doesNotContain("connected\n");
            assertThat(accepted).hasValue(0);
            SecurityFigures.record("docker network", "interfaces " + result.stdout().lines().takeWhile(l -> !l.startsWith("no-"))
                    .toList() + ", connection to the host's 127.0.0.1:" + port + " refused, HTTP to it failed");
        }
    }

    @Test
    void aForkBombStaysWithinSixtyFourProcesses() throws Exception {
        AtomicInteger peak = new AtomicInteger();
        CompletableFuture<Void> watch = CompletableFuture.runAsync(() -> {
            long end = System.nanoTime() + Duration.ofSeconds(12).toNanos();
            while (System.nanoTime() < end) {
                for (String id : liveQuietly()) {
                    int pids = pidsOf(id);
                    peak.accumulateAndGet(pids, Math::max);
                }
                sleep(50);
            }
        });
        // every copy forks two more and stays alive, so the bomb grows exponentially and presses on the limit
        // (the bomb runs in the background: a fork refused to the foreground shell would end the task early)
        SandboxResult result = sh("b(){ b & b & sleep 8; }; b & sleep 8", SandboxLimits.defaults().withTimeout(Duration.ofSeconds(5)));
        watch.cancel(true);

        long refused = result.stderr().lines().filter(line -> line.toLowerCase(java.util.Locale.ROOT).contains("fork")).count();
        assertThat(result.timedOut()).as(result.toString()).isTrue();
        assertThat(peak.get()).as("peak processes").isBetween(2, 64);
        assertThat(refused).as("forks refused at the limit: " + result.stderr()).isPositive();
        SecurityFigures.record("docker fork bomb", "peak " + peak.get() + " processes (limit 64), " + refused
                + " forks refused, run stopped after " + result.elapsed().toMillis() + " ms by its 5 s limit,"
                + " container removed");
    }

    @Test
    void aMemoryHogIsKilledAndReported() throws Exception {
        SandboxResult result = sh("dd if=/dev/zero of=/dev/null bs=400M count=1 && echo survived",
                SandboxLimits.defaults());

        assertThat(result.succeeded()).as(result.toString()).isFalse();
        assertThat(result.stdout()).doesNotContain("survived");
        assertThat(result.killedReason()).contains("out of memory").contains("256 MB");
        SecurityFigures.record("docker memory hog", "400 MB allocation in a 256 MB container: exit code " + result.exitCode()
                + ", reported as '" + result.killedReason() + "'");
    }

    @Test
    void aTimeoutDestroysTheContainer() throws Exception {
        SandboxResult result = sh("echo started; sleep 60", SandboxLimits.defaults().withTimeout(Duration.ofSeconds(2)));

        assertThat(result.timedOut()).isTrue();
        assertThat(result.stdout()).contains("started");
        assertThat(result.elapsed()).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void cancellationDestroysTheContainer() throws Exception {
        Thread caller = Thread.currentThread();
        CompletableFuture<Void> cancel = CompletableFuture.runAsync(() -> {
            sleep(1500);
            caller.interrupt();
        });
        assertThatThrownBy(() -> sh("sleep 60", SandboxLimits.defaults())).isInstanceOf(InterruptedException.class);
        cancel.join();
        Thread.interrupted();
    }

    @Test
    void shuttingTheSandboxDownRemovesRunningContainers() throws Exception {
        DockerSandbox other = new DockerSandbox(config(""), System.getenv());
        CompletableFuture<Object> run = CompletableFuture.supplyAsync(() -> {
            try {
                return other.run(new SandboxRequest(List.of("sleep", "60"), "", workspace, Map.of(), Map.of(), "",
                        SandboxLimits.defaults().withTimeout(Duration.ofSeconds(60))));
            } catch (Exception e) {
                return e;
            }
        });
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (other.engine().live().isEmpty() && System.nanoTime() < end) {
            sleep(50);
        }
        assertThat(other.engine().live()).hasSize(1);

        other.deactivate();

        assertThat(run.get(20, java.util.concurrent.TimeUnit.SECONDS)).isInstanceOf(Exception.class);
        assertThat(labelledContainers()).isEmpty();
    }

    @Test
    void containersLeftByADeadDaemonAreRemovedOnFirstUse() throws Exception {
        String host = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        Process create = new ProcessBuilder("docker", "create", "--label", DockerEngine.LABEL + "=1",
                "--label", DockerEngine.LABEL_PID + "=999999999", "--label", DockerEngine.LABEL_HOST + "=" + host,
                IMAGE, "sleep", "60").redirectErrorStream(true).start();
        String id = new String(create.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(create.waitFor()).as(id).isZero();
        assertThat(labelledContainers()).hasSize(1);

        DockerSandbox fresh = new DockerSandbox(config(""), System.getenv());
        try {
            assertThat(fresh.run(new SandboxRequest(List.of("true"), "", workspace, Map.of(), Map.of(), "",
                    SandboxLimits.defaults())).succeeded()).isTrue();
        } finally {
            fresh.deactivate();
        }
        assertThat(labelledContainers()).isEmpty();
    }

    @Test
    void theTaskCannotReadItsTokenAndForgedReportsAreNotAccepted() throws Exception {
        String forged = "OPENPISTA-RESULT:" + "a".repeat(64) + ":0";
        SandboxResult result = sh("cat .openpista/token 2>&1 || echo no-token-file; env | grep -ci token; echo " + forged
                + "; exit 7", SandboxLimits.defaults());

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(7);
        assertThat(result.stdout()).contains("no-token-file").contains(forged);
        // the worker is the container's init: the task cannot kill it to suppress the real report
        SandboxResult killer = sh("echo " + forged + "; kill -9 1; kill -9 $PPID; exit 5", SandboxLimits.defaults());
        assertThat(killer.exitCode()).as(killer.toString()).isEqualTo(5);
    }

    @Test
    void filesThatWouldLeaveTheWorkingDirectoryAreRefused() {
        for (String name : List.of("../x", "/etc/passwd", "a/../../x", "..\\x", "a/\0b")) {
            assertThatThrownBy(() -> sandbox.run(new SandboxRequest(List.of("true"), "", workspace, Map.of(),
                    Map.of(name, new byte[0]), "", SandboxLimits.defaults()))).as(name).isInstanceOf(SandboxException.class);
        }
    }

    @Test
    void anUnreachableDaemonIsUnavailableNotAFailure() {
        DockerSandbox nowhere = new DockerSandbox(config("unix:///nonexistent/docker.sock"), Map.of());
        try {
            assertThatThrownBy(() -> nowhere.run(new SandboxRequest(List.of("true"), "", workspace, Map.of(), Map.of(), "",
                    SandboxLimits.defaults())))
                    .isInstanceOf(SandboxUnavailableException.class)
                    .hasMessageContaining("Docker is unreachable at unix:///nonexistent/docker.sock");
            assertThatThrownBy(nowhere::isolation).isInstanceOf(SandboxUnavailableException.class)
                    .hasMessageContaining("Docker is unreachable");
        } finally {
            nowhere.deactivate();
        }
    }

    @Test
    void aMissingImageIsAClearError() {
        assertThatThrownBy(() -> sandbox.run(new SandboxRequest(List.of("true"), "", workspace, Map.of(), Map.of(),
                "openpista-test/no-such-image:1", SandboxLimits.defaults())))
                .isInstanceOf(SandboxException.class).hasMessageContaining("openpista-test/no-such-image:1");
    }

    static java.util.Set<String> liveQuietly() {
        try {
            return sandbox.engine().live();
        } catch (SandboxException e) {
            return java.util.Set.of();
        }
    }

    static int pidsOf(String id) {
        for (String file : List.of("/sys/fs/cgroup/pids/docker/" + id + "/pids.current",
                "/sys/fs/cgroup/docker/" + id + "/pids.current",
                "/sys/fs/cgroup/system.slice/docker-" + id + ".scope/pids.current")) {
            try {
                return Integer.parseInt(Files.readString(Path.of(file)).strip());
            } catch (IOException | NumberFormatException e) {
                // try the next layout
            }
        }
        return 0;
    }

    static List<String> labelledContainers() throws Exception {
        Process ps = new ProcessBuilder("docker", "ps", "-aq", "--filter", "label=" + DockerEngine.LABEL)
                .redirectErrorStream(true).start();
        String out = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        ps.waitFor();
        return out.lines().filter(line -> !line.isBlank()).toList();
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
