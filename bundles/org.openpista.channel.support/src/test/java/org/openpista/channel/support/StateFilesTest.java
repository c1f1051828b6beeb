package org.openpista.channel.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateFilesTest {

    @TempDir
    Path dir;

    @Test
    void writesTheFileAndItsMissingFolders() throws IOException {
        Path file = dir.resolve("discord/ledger.json");
        StateFiles.writeAtomically(file, "{\"ü\":1}");
        assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo("{\"ü\":1}");
    }

    @Test
    void replacesTheWholeContentAndLeavesNoTemporaryFile() throws IOException {
        Path file = dir.resolve("offset");
        StateFiles.writeAtomically(file, "a much longer first content");
        StateFiles.writeAtomically(file, "42");
        assertThat(Files.readString(file)).isEqualTo("42");
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }
}
