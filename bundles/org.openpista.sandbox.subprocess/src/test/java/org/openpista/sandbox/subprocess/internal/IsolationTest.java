package org.openpista.sandbox.subprocess.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.sandbox.SandboxLimits;
import org.openpista.api.sandbox.SandboxRequest;
import org.openpista.api.sandbox.SandboxResult;
import org.openpista.testkit.SecurityFigures;

/**
 * The subprocess sandbox against a child that goes looking for the daemon's secrets. The test JVM
 * stands in for the daemon: surefire starts it with planted secrets in its own environment (see
 * the pom), and the sandbox is given them in its environment map as well. The host run ({@code
 * bubblewrap = "off"}) shows the attack works there, so the same check proves bubblewrap holds.
 */
class IsolationTest {

    /** The planted values (the surefire configuration of this module) and the map's own. */
    static final List<String> PLANTED = List.of("planted-openpista-api-key", "planted-db-password",
            "planted-slack-webhook", "AKIAPLANTEDACCESSKEY", "sk-map-planted", "map-planted-token");

    static final String PROBE = String.join("\n",
            "echo \"== parent $PPID\"; tr '\\0' '\\n' </proc/$PPID/environ 2>&1",
            "echo '== env'; env",
            "echo '== every environ'; for f in /proc/[0-9]*/environ; do tr '\\0' '\\n' <\"$f\"; done 2>/dev/null",
            "echo \"== processes $(ls -d /proc/[0-9]* | wc -l)\"",
            "echo '== home'; ls -a \"$DAEMON_HOME\" 2>&1 | head -3",
            "echo '== outside'; cat \"$OUTSIDE\" 2>&1; true");

    @TempDir
    Path root;

    Path workspace;
    Path outside;

    @BeforeEach
    void setUp() throws IOException {
        workspace = Files.createDirectories(root.resolve("workspace"));
        outside = Files.writeString(root.resolve("outside.txt"), "planted-file-outside-the-workspace");
    }

    static SubprocessSandbox sandbox(String bubblewrap) {
        return new SubprocessSandbox(SubprocessSandboxTest.config(bubblewrap), Map.of(
                "PATH", System.getenv("PATH"),
                "OPENPISTA_API_KEY", "sk-map-planted",
                "SLACK_BOT_TOKEN", "map-planted-token",
                "LANG", "C.UTF-8",
                "TZ", "Europe/Berlin"));
    }

    SandboxResult probe(SubprocessSandbox sandbox, boolean network) throws Exception {
        SandboxLimits limits = new SandboxLimits(SandboxLimits.defaults().timeout(), 0, 0, network, 200_000);
        return sandbox.run(new SandboxRequest(List.of("bash", "-c", PROBE), "", workspace,
                Map.of("DAEMON_HOME", System.getProperty("user.home"), "OUTSIDE", outside.toString()), Map.of(), "",
                limits));
    }

    static boolean bubblewrapWorks() throws Exception {
        String isolation = sandbox("auto").isolation();
        if (!isolation.equals("bubblewrap") && "all".equals(System.getenv("OPENPISTA_IT_REQUIRE"))) {
            throw new AssertionError("bubblewrap is required (OPENPISTA_IT_REQUIRE=all) but the sandbox says: " + isolation);
        }
        return isolation.equals("bubblewrap");
    }

    @Test
    void onTheHostTheDaemonsEnvironmentIsReadableThroughProc() throws Exception {
        assumeThat(System.getenv("OPENPISTA_API_KEY")).as("surefire plants the secrets").isNotNull();
        SubprocessSandbox host = sandbox("off");

        SandboxResult result = probe(host, false);

        assertThat(host.isolation()).isEqualTo(SubprocessSandbox.HOST);
        // what the isolation below is for: the allow-list keeps env clean, /proc does not
        String env = section(result.stdout(), "== env");
        assertThat(env).doesNotContain("planted").contains("TZ=Europe/Berlin").contains("LANG=C.UTF-8");
        assertThat(section(result.stdout(), "== parent")).contains("planted-openpista-api-key");
    }

    @Test
    void inBubblewrapNoPlantedSecretIsReachable() throws Exception {
        assumeThat(bubblewrapWorks()).as("bubblewrap works here").isTrue();
        SubprocessSandbox sandbox = sandbox("auto");

        SandboxResult result = probe(sandbox, false);

        assertThat(result.succeeded()).as(result.toString()).isTrue();
        int held = 0;
        for (String secret : PLANTED) {
            assertThat(result.stdout()).as(secret).doesNotContain(secret);
            held++;
        }
        assertThat(result.stdout()).doesNotContain("planted-file-outside-the-workspace");
        int processes = Integer.parseInt(result.stdout().replaceAll("(?s).*== processes (\\d+).*", "$1"));
        assertThat(processes).isLessThanOrEqualTo(8);
        SecurityFigures.record("subprocess sandbox in bubblewrap",
                PLANTED.size() + " planted secrets (daemon environ via /proc/$PPID and every /proc/*/environ, env): "
                        + held + " held; " + processes + " processes visible; home and files outside the workspace unreadable");
    }

    @Test
    void inBubblewrapTheNetworkIsGoneUnlessAllowed() throws Exception {
        assumeThat(bubblewrapWorks()).as("bubblewrap works here").isTrue();
        SubprocessSandbox sandbox = sandbox("auto");
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String connect = "exec 3<>/dev/tcp/127.0.0.1/" + server.getLocalPort() + " && echo connected || echo refused";
            SandboxLimits closed = new SandboxLimits(SandboxLimits.defaults().timeout(), 0, 0, false, 10_000);
            SandboxLimits open = new SandboxLimits(SandboxLimits.defaults().timeout(), 0, 0, true, 10_000);

            SandboxResult without = sandbox.run(new SandboxRequest(List.of("bash", "-c", connect), "", workspace, Map.of(),
                    Map.of(), "", closed));
            SandboxResult with = sandbox.run(new SandboxRequest(List.of("bash", "-c", connect), "", workspace, Map.of(),
                    Map.of(), "", open));

            assertThat(without.stdout()).isEqualTo("refused\n");
            assertThat(with.stdout()).isEqualTo("connected\n");
        }
    }

    @Test
    void inBubblewrapTheWorkspaceIsWritableAndTheSystemIsNot() throws Exception {
        assumeThat(bubblewrapWorks()).as("bubblewrap works here").isTrue();
        Path script = Files.writeString(Files.createDirectories(root.resolve("skill")).resolve("run.sh"),
                "echo from-the-skill-folder\n");

        SandboxResult result = sandbox("auto").run(new SandboxRequest(List.of("bash", "-c",
                "bash \"$0\"; echo made > made.txt && echo workspace-ok; touch /etc/x 2>/dev/null || echo etc-refused;"
                        + " echo x > \"$0\" 2>/dev/null || echo skill-read-only", script.toString()),
                "", workspace, Map.of(), Map.of(), "", SandboxLimits.defaults()));

        assertThat(result.stdout()).isEqualTo("from-the-skill-folder\nworkspace-ok\netc-refused\nskill-read-only\n");
        assertThat(workspace.resolve("made.txt")).hasContent("made");
    }

    private static String section(String output, String header) {
        int start = output.indexOf(header);
        int end = output.indexOf("\n== ", start + 1);
        return start < 0 ? "" : output.substring(start, end < 0 ? output.length() : end);
    }
}
