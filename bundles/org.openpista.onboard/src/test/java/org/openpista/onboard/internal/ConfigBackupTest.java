package org.openpista.onboard.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The copy of config.toml made before onboarding changes it. */
class ConfigBackupTest {

    @TempDir
    Path home;

    final LocalDateTime now = LocalDateTime.of(2026, 12, 7, 3, 4, 5);

    @Test
    void noFileNoBackup() throws Exception {
        assertThat(ConfigBackup.keep(home.resolve("config.toml"), now)).isEmpty();
        assertThat(home).isEmptyDirectory();
    }

    @Test
    void theCopyIsOwnerOnlyAndNeverReplacesAnEarlierOne() throws Exception {
        Path file = Files.writeString(home.resolve("config.toml"), "[agent]\napi_key = \"sk-secret\"\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        Path first = ConfigBackup.keep(file, now).orElseThrow();
        Files.writeString(file, "changed\n");
        Path second = ConfigBackup.keep(file, now).orElseThrow();

        assertThat(first).hasFileName("config.toml.bak-20261207-030405").hasContent("[agent]\napi_key = \"sk-secret\"");
        assertThat(second).hasFileName("config.toml.bak-20261207-030405-1").hasContent("changed");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(first))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(second))).isEqualTo("rw-------");
    }
}
