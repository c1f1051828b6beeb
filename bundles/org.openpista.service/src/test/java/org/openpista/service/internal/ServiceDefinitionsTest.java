package org.openpista.service.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The systemd unit, checked by systemd's own parser, and the launchd agent, read back as XML. */
class ServiceDefinitionsTest {

    @TempDir
    Path folder;

    ServiceDefinition service(String dist, String home) throws Exception {
        Path executable = Files.createDirectories(folder.resolve(dist).resolve("bin")).resolve("openpista");
        Files.writeString(executable, "#!/bin/sh\n");
        Files.setPosixFilePermissions(executable, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path homeFolder = folder.resolve(home);
        return new ServiceDefinition("openpista", executable, homeFolder, homeFolder.resolve("service.env"));
    }

    @Test
    void theUnitRestartsOnFailureAndRunsTheForegroundDaemonOfTheHome() throws Exception {
        String unit = SystemdUnit.of(service("dist", "home"));

        assertThat(unit).contains("Restart=on-failure")
                .contains("ExecStart=\"" + folder.resolve("dist/bin/openpista") + "\" --home \"" + folder.resolve("home")
                        + "\" start --foreground")
                .contains("Environment=\"OPENPISTA_HOME=" + folder.resolve("home") + "\"")
                .contains("EnvironmentFile=-" + folder.resolve("home/service.env"))
                .contains("WantedBy=default.target");
        assertThat(verify(unit)).isEmpty();
    }

    @Test
    void pathsWithSpacesQuotesAndPercentSignsStayThemselves() throws Exception {
        String unit = SystemdUnit.of(service("my dist", "home 100% \"mine\""));

        assertThat(unit).contains("--home \"" + folder + "/home 100%% \\\"mine\\\"\"");
        assertThat(verify(unit)).isEmpty();
    }

    @Test
    void systemdsParserIsReallyAsked() throws Exception {
        String broken = SystemdUnit.of(service("dist", "home")).replace("Restart=on-failure", "Restart=sometimes")
                .replace(folder.resolve("dist/bin/openpista").toString(), folder.resolve("missing").toString());
        assertThat(verify(broken)).contains("restart specifier").contains("not executable");
    }

    @Test
    void aNameThatIsNoUnitNameIsRefused() {
        assertThatThrownBy(() -> new ServiceDefinition("a/b", Path.of("/x"), Path.of("/h"), Path.of("/h/e")))
                .hasMessageContaining("letters, digits");
    }

    @Test
    void theLaunchdAgentKeepsTheDaemonAliveAndReadsTheEnvironmentFile() throws Exception {
        ServiceDefinition service = service("dist", "home <&>");
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        var plist = factory.newDocumentBuilder()
                .parse(new ByteArrayInputStream(LaunchdAgent.of(service).getBytes(StandardCharsets.UTF_8)));
        Element dict = (Element) plist.getDocumentElement().getElementsByTagName("dict").item(0);
        NodeList arguments = ((Element) dict.getElementsByTagName("array").item(0)).getElementsByTagName("string");
        List<String> program = new ArrayList<>();
        for (int i = 0; i < arguments.getLength(); i++) {
            program.add(arguments.item(i).getTextContent());
        }
        assertThat(program).startsWith("/bin/sh", "-c")
                .endsWith(service.environmentFile().toString(), service.executable().toString(), "--home",
                        service.home().toString(), "start", "--foreground");
        assertThat(LaunchdAgent.of(service)).contains("<key>SuccessfulExit</key>\n    <false/>")
                .contains("<string>org.openpista.openpista</string>");

        // the shell line reads the file when it exists and then becomes the daemon with its arguments
        Files.createDirectories(service.home());
        Files.writeString(service.environmentFile(), "GREETING='hello there'\n");
        Path echo = folder.resolve("echo.sh");
        Files.writeString(echo, "#!/bin/sh\necho \"$GREETING|$*\"\n");
        Files.setPosixFilePermissions(echo, PosixFilePermissions.fromString("rwx------"));
        List<String> run = new ArrayList<>(program.subList(0, 4));
        run.add(service.environmentFile().toString());
        run.add(echo.toString());
        run.add("start");
        Process process = new ProcessBuilder(run).redirectErrorStream(true).start();
        assertThat(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello there|start\n");
        Files.delete(service.environmentFile());
        process = new ProcessBuilder(run).redirectErrorStream(true).start();
        assertThat(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("|start\n");
    }

    /** @return what {@code systemd-analyze verify} says about a user unit (nothing: it is fine) */
    String verify(String unit) throws Exception {
        Path analyze = Path.of("/usr/bin/systemd-analyze");
        assumeTrue(Files.isExecutable(analyze) || "all".equals(System.getenv("OPENPISTA_IT_REQUIRE")),
                "systemd-analyze (Debian's systemd) checks the unit");
        Path file = folder.resolve("openpista.service");
        Files.writeString(file, unit);
        Path runtime = Files.createDirectories(folder.resolve("runtime"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        ProcessBuilder builder = new ProcessBuilder(analyze.toString(), "--user", "verify", file.toString())
                .redirectErrorStream(true);
        builder.environment().put("XDG_RUNTIME_DIR", runtime.toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return output.strip();
    }
}
