package org.openpista.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginFolderTest {

    @TempDir
    Path home;

    @Test
    void theFolderIsMadeWhenMissingAndWhatItHoldsStays() throws Exception {
        Path dir = home.resolve("plugins");

        new PluginFolder(dir);
        Files.writeString(dir.resolve("kept.jar"), "x");
        new PluginFolder(dir);

        assertThat(dir).isDirectory();
        assertThat(dir.resolve("kept.jar")).hasContent("x");
    }
}
