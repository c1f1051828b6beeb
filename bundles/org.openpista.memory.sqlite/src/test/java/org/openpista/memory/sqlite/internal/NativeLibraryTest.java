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
                assertThat(files).containsExactlyInAnyOrder(library, dir.resolve(NativeLibrary.MARKER));
            }
            assertThat(Files.readAllLines(dir.resolve(NativeLibrary.MARKER)))
                    .containsExactly(NativeLibrary.platform(), library.getFileName().toString(), Long.toString(inJar.length));
        } finally {
            if (chosen == null) {
                System.clearProperty("org.sqlite.lib.path");
            } else {
                System.setProperty("org.sqlite.lib.path", chosen);
            }
        }
    }

    @Test
    void theNoteIsTrustedOnlyForThisPlatformAndAWholeCopyInsideTheFolder() throws Exception {
        String chosen = System.getProperty("org.sqlite.lib.path");
        try {
            System.clearProperty("org.sqlite.lib.path");
            NativeLibrary.copiedInto(home);
            Path dir = home.resolve("cache").resolve("sqlite-jdbc-" + SQLiteJDBCLoader.getVersion());
            Path library = dir.resolve(LibraryLoaderUtil.getNativeLibName());
            Path marker = dir.resolve(NativeLibrary.MARKER);
            long size = Files.size(library);

            // a copy cut short (a full disk) is not taken for the library: the driver's choice is copied again
            Files.write(library, new byte[10]);
            System.clearProperty("org.sqlite.lib.path");
            NativeLibrary.copiedInto(home);
            assertThat(Files.size(library)).isEqualTo(size);

            // noted for another platform (a home shared with another machine): detected and noted anew
            Files.writeString(marker, "Other/arm/vendor/boot/libc\n" + library.getFileName() + "\n" + size + "\n");
            System.clearProperty("org.sqlite.lib.path");
            NativeLibrary.copiedInto(home);
            assertThat(Files.readAllLines(marker).get(0)).isEqualTo(NativeLibrary.platform());

            // a note that names a file outside the folder is ignored
            Path outside = home.resolve("evil.so");
            Files.write(outside, new byte[3]);
            Files.writeString(marker, NativeLibrary.platform() + "\n../../evil.so\n3\n");
            System.clearProperty("org.sqlite.lib.path");
            NativeLibrary.copiedInto(home);
            assertThat(System.getProperty("org.sqlite.lib.name")).isEqualTo(library.getFileName().toString());
            assertThat(Files.readAllLines(marker).get(1)).isEqualTo(library.getFileName().toString());
        } finally {
            if (chosen == null) {
                System.clearProperty("org.sqlite.lib.path");
            } else {
                System.setProperty("org.sqlite.lib.path", chosen);
            }
        }
    }
}
