package org.openpista.memory.sqlite.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;

class NativeLibraryTest {

    @TempDir
    Path home;

    @Test
    void keepsTheDriversLibraryInTheHomeAndTheDriverLoadsIt() throws Exception {
        String chosen = System.getProperty("org.sqlite.lib.path");
        System.clearProperty("org.sqlite.lib.path");
        try {
            assertThat(NativeLibrary.copiedInto(home)).isEqualTo(home);

            Path dir = home.resolve("cache").resolve("sqlite-jdbc-" + SQLiteJDBCLoader.getVersion());
            Path library = dir.resolve(LibraryLoaderUtil.getNativeLibName());
            byte[] inJar = SQLiteJDBCLoader.class
                    .getResourceAsStream(LibraryLoaderUtil.getNativeLibResourcePath() + "/" + library.getFileName())
                    .readAllBytes();
            assertThat(Files.readAllBytes(library)).isEqualTo(inJar);
            assertThat(System.getProperty("org.sqlite.lib.path")).isEqualTo(dir.toString());
            Database database = new Database(home.resolve("memory.db"));
            try {
                assertThat(database.file()).exists();
            } finally {
                database.close();
            }
            // a second process finds the copy and leaves it alone; no partial file stays behind
            long written = Files.getLastModifiedTime(library).toMillis();
            NativeLibrary.copiedInto(home);
            assertThat(Files.getLastModifiedTime(library).toMillis()).isEqualTo(written);
            try (var files = Files.list(dir)) {
                assertThat(files).containsExactly(library);
            }
        } finally {
            if (chosen == null) {
                System.clearProperty("org.sqlite.lib.path");
            } else {
                System.setProperty("org.sqlite.lib.path", chosen);
            }
        }
    }
}
