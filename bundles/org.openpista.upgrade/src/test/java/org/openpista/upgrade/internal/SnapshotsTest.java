package org.openpista.upgrade.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.OptionalInt;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;

/** Snapshots of a real SQLite file in WAL mode with uncheckpointed writes, their modes and retention. */
class SnapshotsTest {

    @TempDir
    Path home;

    @Test
    void aSnapshotHoldsConsistentOwnerOnlyCopies() throws Exception {
        HomeFiles files = new HomeFiles(home, home.resolve("config.toml"), home.resolve("credentials.toml"), home.resolve("memory.db"));
        Files.writeString(files.config(), "[agent]\nprovider = \"openai\"\n");
        try (Connection open = new SQLiteConfig().createConnection("jdbc:sqlite:" + files.database());
                Statement sql = open.createStatement()) {
            sql.execute("PRAGMA journal_mode = WAL");
            sql.execute("PRAGMA wal_autocheckpoint = 0");
            sql.execute("CREATE TABLE t (v TEXT)");
            sql.execute("INSERT INTO t VALUES ('kept')");
            sql.execute("PRAGMA user_version = 3");
            // still open, its writes only in the -wal file: the copy must see them anyway
            Properties facts = new Properties();
            facts.setProperty("reason", "test");
            Snapshot snapshot = new Snapshots(files.backups()).take(files, facts);

            assertThat(snapshot.fact("files")).contains("config.toml,memory.db");
            assertThat(snapshot.dir().resolve("credentials.toml")).doesNotExist();
            assertThat(snapshot.dir().resolve("config.toml")).hasSameTextualContentAs(files.config());
            assertThat(DatabaseHeader.userVersion(snapshot.dir().resolve("memory.db"))).isEqualTo(OptionalInt.of(3));
            assertThat(rows(snapshot.dir().resolve("memory.db"))).containsExactly("kept");
            assertThat(Files.getPosixFilePermissions(files.backups())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
            assertThat(Files.getPosixFilePermissions(snapshot.dir())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
            for (String file : List.of("config.toml", "memory.db", "snapshot.properties")) {
                assertThat(Files.getPosixFilePermissions(snapshot.dir().resolve(file))).as(file)
                        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
            }
        }
    }

    @Test
    void theOldestBeyondTheLimitAreDeletedAndPartialOnesNeverCount() throws Exception {
        HomeFiles files = new HomeFiles(home, home.resolve("config.toml"), home.resolve("credentials.toml"), home.resolve("memory.db"));
        Files.writeString(files.config(), "x = 1\n");
        Snapshots snapshots = new Snapshots(files.backups());
        for (int i = 0; i < 4; i++) {
            Properties facts = new Properties();
            facts.setProperty("reason", "number " + i);
            snapshots.take(files, facts);
        }
        Files.createDirectories(files.backups().resolve(".20991231T000000Z.partial"));
        assertThat(snapshots.list()).hasSize(4);
        assertThat(snapshots.find(null).orElseThrow().fact("reason")).contains("number 3");

        List<Path> deleted = snapshots.prune(2);
        assertThat(deleted).hasSize(2);
        assertThat(snapshots.list()).extracting(s -> s.fact("reason").orElseThrow()).containsExactly("number 2", "number 3");
    }

    @Test
    void theHeaderTellsTheSchemaWithoutOpeningTheFile() throws Exception {
        assertThat(DatabaseHeader.userVersion(home.resolve("absent.db"))).isEmpty();
        Files.writeString(home.resolve("text.db"), "not a database, just some text that is long enough ".repeat(3));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DatabaseHeader.userVersion(home.resolve("text.db")))
                .hasMessageContaining("is no SQLite database");
    }

    @Test
    void theDatabaseIsWhereDatabaseUrlSays() {
        assertThat(HomeGuard.databaseFile(home, "")).isEqualTo(home.resolve("memory.db"));
        assertThat(HomeGuard.databaseFile(home, "data/m.db")).isEqualTo(home.resolve("data/m.db"));
        assertThat(HomeGuard.databaseFile(home, "sqlite://" + home.resolve("x.db") + "?mode=rwc")).isEqualTo(home.resolve("x.db"));
    }

    private static List<String> rows(Path database) throws Exception {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        try (Connection db = config.createConnection("jdbc:sqlite:" + database);
                Statement sql = db.createStatement();
                ResultSet rows = sql.executeQuery("SELECT v FROM t")) {
            List<String> values = new java.util.ArrayList<>();
            while (rows.next()) {
                values.add(rows.getString(1));
            }
            return values;
        }
    }
}
