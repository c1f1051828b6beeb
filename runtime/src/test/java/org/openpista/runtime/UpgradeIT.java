package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.runtime.DistributionProcess.Result;
import org.openpista.testkit.FakeOpenAiServer;
import org.openpista.testkit.FakeReply;
import org.sqlite.SQLiteConfig;

/**
 * Upgrading a home written by the previous schema, end to end with the real distribution: the
 * fixture {@code src/test/resources/upgrade/home-schema3} (a memory.db built with schema 3's own
 * DDL from git history by its make-fixture.py, and a config.toml without {@code [upgrade]}) is
 * checked without change, refused with a config this version cannot read, snapshotted, migrated,
 * used for a turn and rolled back.
 */
class UpgradeIT {

    private static final Path FIXTURE = Path.of("src/test/resources/upgrade/home-schema3");

    @TempDir
    Path home;

    FakeOpenAiServer fake;
    String config;

    @BeforeEach
    void homeOfThePreviousSchema() throws Exception {
        fake = new FakeOpenAiServer();
        config = Files.readString(FIXTURE.resolve("config.toml"))
                .replace("[agent]\n", "[agent]\nbase_url = \"" + fake.baseUrl() + "\"\napi_key = \"sk-upgrade-test\"\n");
        Files.writeString(home.resolve("config.toml"), config);
        Files.copy(FIXTURE.resolve("memory.db"), home.resolve("memory.db"));
        for (String file : List.of("config.toml", "memory.db")) {
            Files.setPosixFilePermissions(home.resolve(file), PosixFilePermissions.fromString("rw-------"));
        }
        Files.writeString(home.resolve("credentials.toml"), "[openai]\napi_key = \"sk-stored-login\"\n");
        Files.setPosixFilePermissions(home.resolve("credentials.toml"), PosixFilePermissions.fromString("rw-------"));
    }

    @AfterEach
    void stopFake() {
        fake.close();
    }

    @Test
    void theHomeOfThePreviousSchemaIsCheckedMigratedSnapshottedAndRolledBack() throws Exception {
        byte[] database = Files.readAllBytes(home.resolve("memory.db"));
        assertThat(schema(home.resolve("memory.db"))).isEqualTo(3);

        // --check: says what would change, changes nothing
        Result check = openpista("upgrade", "--check");
        assertThat(check.exitCode()).as(check.toString()).isZero();
        assertThat(check.stdout()).contains("schema 3 → 4, pending migrations:")
                .contains("4  the token counts of model requests (openpista usage)")
                .contains("config " + home.resolve("config.toml") + ": schema 1 (current)")
                .contains("nothing was changed (--check)");
        assertThat(Files.readAllBytes(home.resolve("memory.db"))).isEqualTo(database);
        assertThat(home.resolve("backups")).doesNotExist();
        assertThat(home.resolve("memory.db-wal")).doesNotExist();

        // a config this version cannot read stops the upgrade before anything changes
        Files.writeString(home.resolve("config.toml"), config.replace("max_tool_rounds = 30", "max_tool_rounds = \"many\""));
        Result refused = openpista("upgrade");
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(2);
        assertThat(refused.stderr()).contains("max_tool_rounds");
        assertThat(Files.readAllBytes(home.resolve("memory.db"))).isEqualTo(database);
        assertThat(home.resolve("backups")).doesNotExist();
        Files.writeString(home.resolve("config.toml"), config);

        // the upgrade: snapshot first, then the migration
        Result upgrade = openpista("upgrade");
        assertThat(upgrade.exitCode()).as(upgrade.toString()).isZero();
        assertThat(upgrade.stdout()).contains("snapshot: " + home.resolve("backups"))
                .contains("database: schema 3 → 4").contains("upgraded this home to openpista");
        assertThat(schema(home.resolve("memory.db"))).isEqualTo(4);
        assertThat(messages(home.resolve("memory.db"))).containsExactly("Remember the word: pistachio",
                "I will remember pistachio.", "What was the word?", "pistachio");
        List<Path> snapshots = snapshots();
        assertThat(snapshots).hasSize(1);
        Path snapshot = snapshots.get(0);
        assertThat(Files.getPosixFilePermissions(home.resolve("backups"))).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(Files.getPosixFilePermissions(snapshot)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        for (String file : List.of("config.toml", "credentials.toml", "memory.db", "snapshot.properties")) {
            assertThat(Files.getPosixFilePermissions(snapshot.resolve(file))).as(file)
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        }
        assertThat(snapshot.resolve("config.toml")).hasContent(config);
        assertThat(schema(snapshot.resolve("memory.db"))).isEqualTo(3);
        assertThat(messages(snapshot.resolve("memory.db"))).hasSize(4);
        assertThat(Files.readString(snapshot.resolve("snapshot.properties"))).contains("database_schema=3");

        // the migrated file works: the old session's history reaches the model
        fake.enqueue(FakeReply.text("It was pistachio."));
        Result turn = openpista("run", "-s", "upgrade-fixture", "-e", "And the word again?");
        assertThat(turn.exitCode()).as(turn.toString()).isZero();
        assertThat(fake.lastRequest().body()).contains("Remember the word: pistachio");
        assertThat(messages(home.resolve("memory.db"))).hasSize(6);
        Files.writeString(home.resolve("config.toml"), config + "\n# changed after the upgrade\n");

        // rollback refuses while a daemon holds the home
        try (FileChannel pid = FileChannel.open(home.resolve("openpista.pid"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock held = pid.lock()) {
            assertThat(held.isValid()).as("this test holds the lock a daemon holds").isTrue();
            // through the locked channel: closing another descriptor of the file would drop the lock
            pid.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)));
            Result busy = openpista("rollback");
            assertThat(busy.exitCode()).as(busy.toString()).isEqualTo(1);
            assertThat(busy.stderr()).contains("the daemon runs (pid " + ProcessHandle.current().pid() + ")")
                    .contains("openpista rollback --stop");
        }
        Files.delete(home.resolve("openpista.pid"));
        assertThat(schema(home.resolve("memory.db"))).isEqualTo(4);

        // rollback: config, credentials and database as they were before the upgrade
        Result rollback = openpista("rollback");
        assertThat(rollback.exitCode()).as(rollback.toString()).isZero();
        assertThat(rollback.stdout()).contains("rolled back to snapshot " + snapshot.getFileName())
                .contains("config.toml → " + home.resolve("config.toml"))
                .contains("credentials.toml → " + home.resolve("credentials.toml") + " (mode 600)")
                .contains("memory.db → " + home.resolve("memory.db") + " (schema 3)")
                .contains("distribution: unchanged");
        assertThat(home.resolve("config.toml")).hasContent(config);
        assertThat(schema(home.resolve("memory.db"))).isEqualTo(3);
        assertThat(messages(home.resolve("memory.db"))).hasSize(4);
        assertThat(Files.getPosixFilePermissions(home.resolve("memory.db"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(home.resolve("memory.db-wal")).doesNotExist();
        // what the rollback replaced is a snapshot of its own
        List<Path> after = snapshots();
        assertThat(after).hasSize(2);
        Path replaced = after.stream().filter(p -> !p.equals(snapshot)).findFirst().orElseThrow();
        assertThat(schema(replaced.resolve("memory.db"))).isEqualTo(4);
        assertThat(messages(replaced.resolve("memory.db"))).hasSize(6);
        assertThat(Files.readString(replaced.resolve("snapshot.properties"))).contains("kind=before-rollback");
        Result list = openpista("rollback", "--list");
        assertThat(list.stdout()).contains(snapshot.getFileName().toString()).contains("before rollback");
    }

    @Test
    void anyCommandOfTheNewVersionSnapshotsAnOlderHomeBeforeMigratingIt() throws Exception {
        fake.enqueue(FakeReply.text("hello"), FakeReply.text("again"));
        Result first = openpista("run", "-e", "hi");
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(schema(home.resolve("memory.db"))).isEqualTo(4);
        List<Path> snapshots = snapshots();
        assertThat(snapshots).hasSize(1);
        assertThat(schema(snapshots.get(0).resolve("memory.db"))).isEqualTo(3);
        assertThat(messages(snapshots.get(0).resolve("memory.db"))).hasSize(4);
        Properties record = new Properties();
        record.load(Files.newBufferedReader(home.resolve("upgrade.properties"), StandardCharsets.ISO_8859_1));
        assertThat(record.getProperty("distribution")).isNotBlank();

        // the home is current now: no second snapshot
        Result second = openpista("run", "-e", "hi again");
        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(snapshots()).hasSize(1);
        Result check = openpista("upgrade", "--check");
        assertThat(check.stdout()).contains("(unchanged)").contains("schema 4 (current)").contains("nothing to upgrade");
    }

    private Result openpista(String... args) throws Exception {
        return DistributionProcess.run(home, Map.of(), args);
    }

    private List<Path> snapshots() throws Exception {
        try (Stream<Path> children = Files.list(home.resolve("backups"))) {
            return children.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        }
    }

    private static int schema(Path database) throws Exception {
        return Integer.parseInt(query(database, "PRAGMA user_version").get(0));
    }

    private static List<String> messages(Path database) throws Exception {
        return query(database, "SELECT content FROM messages ORDER BY session_id, seq");
    }

    private static List<String> query(Path database, String sql) throws Exception {
        SQLiteConfig readOnly = new SQLiteConfig();
        readOnly.setReadOnly(true);
        try (Connection db = readOnly.createConnection("jdbc:sqlite:" + database);
                Statement statement = db.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            List<String> values = new ArrayList<>();
            while (rows.next()) {
                values.add(rows.getString(1));
            }
            return values;
        }
    }
}
