package org.openpista.memory.sqlite.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.memory.StoreException;

/**
 * A bad {@code [database] url}: each is refused at once with one line naming the file and what is
 * wrong, and the folder is left exactly as it was (no byte of the file changed, no {@code -wal}
 * or {@code -shm} beside it). And the conversations are readable by their owner only.
 */
class DatabaseFileTest {

    @TempDir
    Path dir;

    @Test
    void aDirectoryIsRefused() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("memory.db"));

        assertRefusedUntouched(folder, folder + " is a directory; [database] url must name a database file");
        assertThat(folder).isEmptyDirectory();
    }

    @Test
    void garbageIsNotASqliteDatabase() throws Exception {
        Path file = Files.write(dir.resolve("memory.db"), "not SQLite at all, just text. ".repeat(300).getBytes(UTF_8));

        assertRefusedUntouched(file,
                file + " is not a SQLite database; [database] url must name an openpista memory database");
    }

    @Test
    void aFileShorterThanASqliteHeaderIsNotASqliteDatabase() throws Exception {
        Path file = Files.write(dir.resolve("memory.db"), "SQLite format 3\0tiny".getBytes(UTF_8));

        assertRefusedUntouched(file, file + " is not a SQLite database (20 bytes, shorter than a SQLite header); "
                + "[database] url must name an openpista memory database");
    }

    @Test
    void aTruncatedMemoryIsRefused() throws Exception {
        Path file = dir.resolve("memory.db");
        SqliteConversationStore store = new SqliteConversationStore(file);
        store.ensureSession("s", "cli", "cli:s");
        for (int i = 0; i < 200; i++) {
            store.append("s", ChatMessage.user("message " + i + " " + "x".repeat(500)));
        }
        store.deactivate();
        byte[] whole = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(whole, whole.length / 2));

        assertRefusedUntouched(file, file + " is truncated (" + whole.length / 2 + " bytes, its header says "
                + whole.length + "); restore it from a backup or set [database] url to another file");
    }

    @Test
    void aDamagedFileIsRefused() throws Exception {
        Path file = dir.resolve("memory.db");
        TestDatabases.execute(file, "CREATE TABLE t (x)");
        byte[] bytes = Files.readAllBytes(file);
        // keep the 100-byte file header, scramble the first page's b-tree (the schema table)
        Arrays.fill(bytes, 100, 200, (byte) 0x5a);
        Files.write(file, bytes);

        assertThatThrownBy(() -> new SqliteConversationStore(file))
                .isInstanceOf(StoreException.class)
                .hasMessageStartingWith(file + " is damaged (SQLite: ")
                .hasMessageEndingWith("); restore it from a backup or set [database] url to another file");
        assertThat(Files.readAllBytes(file)).isEqualTo(bytes);
    }

    @Test
    void anotherApplicationsDatabaseIsNeitherUsedNorModified() throws Exception {
        Path file = dir.resolve("photos.db");
        TestDatabases.execute(file, "CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)",
                "CREATE TABLE albums (id INTEGER PRIMARY KEY)", "INSERT INTO photos (name) VALUES ('beach')");

        assertRefusedUntouched(file, file + " belongs to another application (tables: albums, photos); openpista will "
                + "not modify it; set [database] url to another file");
    }

    @Test
    void anotherApplicationsDatabaseInWalModeWithASchemaVersionIsNotTakenForANewerOpenpista() throws Exception {
        Path file = dir.resolve("app.db");
        TestDatabases.execute(file, "PRAGMA journal_mode = WAL", "CREATE TABLE notes (body TEXT)",
                "PRAGMA user_version = 9");

        assertRefusedUntouched(file, file + " belongs to another application (tables: notes); openpista will not "
                + "modify it; set [database] url to another file");
    }

    @Test
    void anotherApplicationsDatabaseIsToldByItsApplicationId() throws Exception {
        Path file = dir.resolve("app.db");
        // the same tables as ours, but another application's id
        TestDatabases.execute(file, "CREATE TABLE sessions (id)", "CREATE TABLE messages (seq)",
                "CREATE TABLE attachments (x)", "PRAGMA user_version = 1", "PRAGMA application_id = 42");

        assertRefusedUntouched(file, file + " belongs to another application (application id 0x2a, tables: attachments, "
                + "messages, sessions); openpista will not modify it; set [database] url to another file");
    }

    @Test
    void anEmptyFileBecomesAMemory() throws Exception {
        Path file = Files.createFile(dir.resolve("memory.db"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));

        SqliteConversationStore store = new SqliteConversationStore(file);
        store.ensureSession("s", "cli", "cli:s");
        store.deactivate();

        assertThat(TestDatabases.queryLong(file, "SELECT COUNT(*) FROM sessions")).isEqualTo(1);
        assertThat(mode(file)).isEqualTo("rw-------");
    }

    @Test
    void aNewMemoryAndItsWalAndShmAreReadableByTheOwnerOnly() throws Exception {
        Path file = dir.resolve("new/folder/memory.db");

        SqliteConversationStore store = new SqliteConversationStore(file);
        try {
            store.ensureSession("s", "cli", "cli:s");
            store.append("s", ChatMessage.user("private"));
            assertThat(mode(file)).isEqualTo("rw-------");
            assertThat(mode(dir.resolve("new/folder/memory.db-wal"))).isEqualTo("rw-------");
            assertThat(mode(dir.resolve("new/folder/memory.db-shm"))).isEqualTo("rw-------");
            assertThat(mode(dir.resolve("new/folder"))).isEqualTo("rwx------");
            assertThat(mode(dir.resolve("new"))).isEqualTo("rwx------");
        } finally {
            store.deactivate();
        }
    }

    @Test
    void anExistingMemoryReadableByOthersIsNarrowedToItsOwner() throws Exception {
        Path file = dir.resolve("memory.db");
        new SqliteConversationStore(file).deactivate();
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        SqliteConversationStore store = new SqliteConversationStore(file);
        try {
            store.ensureSession("s", "cli", "cli:s");
            assertThat(mode(file)).isEqualTo("rw-------");
            assertThat(mode(dir.resolve("memory.db-wal"))).isEqualTo("rw-------");
        } finally {
            store.deactivate();
        }
    }

    private void assertRefusedUntouched(Path file, String message) throws IOException {
        Map<String, String> before = listing();

        assertThatThrownBy(() -> new SqliteConversationStore(file))
                .isInstanceOf(StoreException.class)
                .hasMessage(message);
        assertThat(listing()).isEqualTo(before);
    }

    /** @return every file under the folder with a digest of its bytes */
    private Map<String, String> listing() throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.toList()) {
                files.put(dir.relativize(path).toString(),
                        Files.isRegularFile(path) ? Arrays.toString(digest(Files.readAllBytes(path))) : "folder");
            }
        }
        return files;
    }

    private static byte[] digest(byte[] bytes) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
