package org.openpista.daemon.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveDumpTest {

    @TempDir
    Path dir;

    @Test
    void aJvmStartedWithoutRecordDynamicDumpInfoLeavesNoFile() throws IOException {
        // this test's JVM records no dump information, so the JDK's jcmd refuses the dump
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");

        boolean written = new ArchiveDump(jcmd, dir.resolve("openpista-daemon-java17.jsa.1")).dump();

        assertThat(written).isFalse();
        assertThat(files()).isEmpty();
    }

    @Test
    void aJavaWithoutJcmdLeavesNoFile() throws IOException {
        boolean written = new ArchiveDump(dir.resolve("no-jcmd"), dir.resolve("openpista-daemon-java17.jsa.1")).dump();

        assertThat(written).isFalse();
        assertThat(files()).isEmpty();
    }

    @Test
    void theLauncherAsksForADumpOnlyThroughItsProperty() {
        assertThat(System.getProperty(ArchiveDump.FILE)).isNull();
        assertThat(ArchiveDump.requested()).isNull();
    }

    private List<String> files() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(file -> file.getFileName().toString()).toList();
        }
    }
}
