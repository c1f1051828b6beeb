package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.runtime.DistributionProcess.Result;

/**
 * {@code openpista service}: the unit the distribution writes is one systemd accepts ({@code
 * systemd-analyze verify}, which also checks that ExecStart is this distribution's executable), and
 * install, status and uninstall manage its file. Starting it needs a user's systemd, which a build
 * machine has not: {@code --no-start} writes the file only, and uninstall says the manager could not
 * stop it.
 */
class ServiceCommandIT {

    @TempDir
    Path home;

    @TempDir
    Path config;

    @Test
    void theUnitIsValidAndRunsThisDistributionForThisHome() throws Exception {
        Result printed = service("install", "--print");
        assertThat(printed.exitCode()).as(printed.toString()).isZero();
        Path executable = DistributionProcess.dist().resolve("bin/openpista").toAbsolutePath().normalize();
        assertThat(printed.stdout()).contains("ExecStart=\"" + executable + "\" --home \"" + home + "\" start --foreground")
                .contains("Restart=on-failure").contains("EnvironmentFile=-" + home.resolve("service.env"));
        assertThat(config.resolve("systemd")).doesNotExist();

        Path unit = config.resolve("openpista.service");
        Files.writeString(unit, printed.stdout());
        assertThat(verify(unit)).isEmpty();

        Result launchd = service("--platform", "launchd", "install", "--print");
        assertThat(launchd.exitCode()).as(launchd.toString()).isZero();
        assertThat(launchd.stdout()).contains("<string>" + executable + "</string>").contains("<key>KeepAlive</key>");
    }

    @Test
    void installStatusAndUninstallManageTheUnitFile() throws Exception {
        Path unit = config.resolve("systemd/user/openpista.service");
        Result absent = service("status");
        assertThat(absent.exitCode()).as(absent.toString()).isEqualTo(1);
        assertThat(absent.stdout()).contains("not installed");

        Result installed = service("install", "--no-start");
        assertThat(installed.exitCode()).as(installed.toString()).isZero();
        assertThat(installed.stdout()).contains("wrote " + unit);
        assertThat(Files.readString(unit)).contains("--home \"" + home + "\"");
        Path environment = home.resolve("service.env");
        assertThat(Files.getPosixFilePermissions(environment)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        Files.writeString(environment, "OPENAI_API_KEY=sk-mine\n");

        Result status = service("status");
        assertThat(status.exitCode()).as(status.toString()).isZero();
        assertThat(status.stdout()).contains("installed in " + unit).contains("is-active openpista.service");

        // again: the unit is rewritten, the user's environment file is kept
        assertThat(service("install", "--no-start").exitCode()).isZero();
        assertThat(Files.readString(environment)).isEqualTo("OPENAI_API_KEY=sk-mine\n");

        Result bad = service("--name", "../x", "install", "--no-start");
        assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(2);
        assertThat(bad.stderr()).contains("letters, digits");

        Result removed = service("uninstall");
        assertThat(removed.stdout()).contains("removed " + unit);
        assertThat(unit).doesNotExist();
        assertThat(environment).exists();
        Result again = service("uninstall");
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.stderr()).contains("no service is installed");
    }

    private Result service(String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = "service";
        System.arraycopy(args, 0, command, 1, args.length);
        return DistributionProcess.run(home, Map.of("XDG_CONFIG_HOME", config.toString()), command);
    }

    /** @return a private XDG_RUNTIME_DIR, without which systemd-analyze --user does not start */
    private Path runtimeDir() throws Exception {
        return Files.createDirectories(config.resolve("runtime"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    /** @return what systemd-analyze verify says about a user unit (nothing when it is fine) */
    private String verify(Path unit) throws Exception {
        Path analyze = Path.of("/usr/bin/systemd-analyze");
        assumeTrue(Files.isExecutable(analyze) || "all".equals(System.getenv("OPENPISTA_IT_REQUIRE")),
                "systemd-analyze (Debian's systemd) checks the unit");
        ProcessBuilder builder = new ProcessBuilder(analyze.toString(), "--user", "verify", unit.toString())
                .redirectErrorStream(true);
        builder.environment().put("XDG_RUNTIME_DIR", runtimeDir().toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return output.strip();
    }
}
