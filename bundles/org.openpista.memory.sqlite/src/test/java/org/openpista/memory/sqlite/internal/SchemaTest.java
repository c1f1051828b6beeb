package org.openpista.memory.sqlite.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.chat.Role;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.memory.SessionInfo;
import org.openpista.api.memory.StoreException;

class SchemaTest {

    @TempDir
    Path dir;

    @Test
    void aFreshFileIsMigratedOnceAndReopenedWithoutMigrating() throws SQLException {
        Path file = dir.resolve("memory.db");

        SqliteConversationStore first = new SqliteConversationStore(file);
        first.ensureSession("s", "cli", "cli:s");
        first.append("s", ChatMessage.user("kept"));
        first.deactivate();
        SqliteConversationStore second = new SqliteConversationStore(file);
        try {
            assertThat(first.appliedMigrations()).containsExactly(1, 2, 3, 4);
            assertThat(second.appliedMigrations()).isEmpty();
            assertThat(second.history("s")).extracting(ChatMessage::content).containsExactly("kept");
        } finally {
            second.deactivate();
        }
        assertThat(TestDatabases.queryLong(file, "PRAGMA user_version")).isEqualTo(Schema.LATEST);
        assertThat(TestDatabases.queryLong(file, "PRAGMA application_id")).isEqualTo(DatabaseFile.APPLICATION_ID);
        assertThat(TestDatabases.queryLong(file, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN "
                + "('sessions', 'messages', 'attachments', 'inbox', 'inbox_attachments', 'owners')"))
                .isEqualTo(6);
        assertThat(TestDatabases.queryLong(file,
                "SELECT COUNT(*) FROM pragma_foreign_key_list('messages') WHERE \"table\" = 'sessions' AND on_delete = 'CASCADE'"))
                .isEqualTo(1);
    }

    @Test
    void aFileFromANewerOpenpistaIsRefusedAndLeftAlone() throws Exception {
        Path file = dir.resolve("memory.db");
        new SqliteConversationStore(file).deactivate();
        int newer = Schema.LATEST + 7;
        TestDatabases.execute(file, "PRAGMA user_version = " + newer, "CREATE TABLE future_things (x)");
        byte[] before = Files.readAllBytes(file);

        assertThatThrownBy(() -> new SqliteConversationStore(file))
                .isInstanceOf(StoreException.class)
                .hasMessage(file + " was written by a newer openpista (schema " + newer + ", this one knows "
                        + Schema.LATEST + "); upgrade openpista or set [database] url to another file");
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        assertThat(TestDatabases.queryLong(file, "SELECT COUNT(*) FROM future_things")).isZero();
    }

    @Test
    void aSchemaOneFileFromBeforeApplicationIdsIsMigratedAndMarkedAsOurs() throws Exception {
        Path file = dir.resolve("memory.db");
        List<String> schemaOne = new ArrayList<>(Schema.MIGRATIONS.get(0).statements());
        schemaOne.add("INSERT INTO sessions VALUES ('s', 'cli', 'cli:s', '2025-01-01T00:00:00.000000000Z', "
                + "'2025-01-01T00:00:00.000000000Z')");
        schemaOne.add("INSERT INTO messages (session_id, seq, role, content, created_at) "
                + "VALUES ('s', 1, 'user', 'old', '2025-01-01T00:00:00.000000000Z')");
        schemaOne.add("PRAGMA user_version = 1");
        TestDatabases.execute(file, schemaOne.toArray(String[]::new));

        SqliteConversationStore store = new SqliteConversationStore(file);
        try {
            assertThat(store.appliedMigrations()).containsExactly(2, 3, 4);
            assertThat(store.history("s")).extracting(ChatMessage::content).containsExactly("old");
        } finally {
            store.deactivate();
        }
        assertThat(TestDatabases.queryLong(file, "PRAGMA application_id")).isEqualTo(DatabaseFile.APPLICATION_ID);
    }

    @Test
    void processesOpeningAFreshFileTogetherMigrateItOnce() throws Exception {
        Path file = dir.resolve("race.db");
        int openers = 6;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(openers);
        List<Future<SqliteConversationStore>> futures = new ArrayList<>();
        try {
            for (int i = 0; i < openers; i++) {
                Callable<SqliteConversationStore> open = () -> {
                    start.await();
                    return new SqliteConversationStore(file);
                };
                futures.add(pool.submit(open));
            }
            start.countDown();
            int applied = 0;
            for (Future<SqliteConversationStore> future : futures) {
                SqliteConversationStore store = future.get(60, TimeUnit.SECONDS);
                applied += store.appliedMigrations().size();
                store.deactivate();
            }
            assertThat(applied).isEqualTo(Schema.LATEST);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theRustOpenpistasFileIsImportedAndBackedUp() throws Exception {
        Path file = dir.resolve("memory.db");
        createRustDatabase(file);

        SqliteConversationStore store = new SqliteConversationStore(file);
        try {
            assertThat(store.appliedMigrations()).containsExactly(1, 2, 3, 4);
            SessionInfo session = store.session("cli-session").orElseThrow();
            assertThat(session.channel()).isEqualTo("cli");
            assertThat(session.conversationKey()).isEqualTo("cli:local");
            assertThat(session.createdAt()).isEqualTo(Instant.parse("2025-01-02T03:04:05.123Z"));
            assertThat(session.messageCount()).isEqualTo(4);

            List<ChatMessage> history = store.history("cli-session");
            // ordered by created_at as the Rust openpista did, not by insertion
            assertThat(history).extracting(ChatMessage::role)
                    .containsExactly(Role.USER, Role.ASSISTANT, Role.TOOL, Role.ASSISTANT);
            assertThat(history.get(0).content()).isEqualTo("hello");
            assertThat(history.get(1).toolCalls())
                    .containsExactly(new ToolCall("call-1", "system.run", "{\"command\":\"echo hi\"}"));
            assertThat(history.get(2).toolCallId()).isEqualTo("call-1");
            assertThat(history.get(3).content()).isEqualTo("it said hi");

            // new messages continue the imported sequence
            store.append("cli-session", ChatMessage.user("next"));
            assertThat(store.history("cli-session")).last().extracting(ChatMessage::content).isEqualTo("next");
        } finally {
            store.deactivate();
        }
        assertThat(TestDatabases.queryLong(file,
                "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('legacy_sessions', 'legacy_messages', '_sqlx_migrations')"))
                .isZero();
        Path backup = dir.resolve("memory.db.rust-backup");
        assertThat(backup).isRegularFile();
        assertThat(TestDatabases.queryLong(backup, "SELECT COUNT(*) FROM messages")).isEqualTo(4);
        assertThat(TestDatabases.queryLong(backup, "PRAGMA user_version")).isZero();
    }

    @Test
    void migrationsAreNumberedInOrder() {
        for (int i = 0; i < Schema.MIGRATIONS.size(); i++) {
            assertThat(Schema.MIGRATIONS.get(i).version()).isEqualTo(i + 1);
        }
    }

    /** The Rust openpista's sqlx schema, as its migrations 001 and 002 left it. */
    private static void createRustDatabase(Path file) throws SQLException {
        TestDatabases.execute(file,
                "CREATE TABLE _sqlx_migrations (version BIGINT PRIMARY KEY, description TEXT NOT NULL, "
                        + "installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, success BOOLEAN NOT NULL, "
                        + "checksum BLOB NOT NULL, execution_time BIGINT NOT NULL)",
                "CREATE TABLE sessions (id TEXT PRIMARY KEY, channel_id TEXT NOT NULL, created_at TEXT NOT NULL, "
                        + "updated_at TEXT NOT NULL)",
                "CREATE TABLE messages (id TEXT PRIMARY KEY, session_id TEXT NOT NULL REFERENCES sessions(id), "
                        + "role TEXT NOT NULL, content TEXT NOT NULL, tool_call_id TEXT, tool_name TEXT, "
                        + "created_at TEXT NOT NULL)",
                "CREATE INDEX idx_messages_session_id ON messages(session_id)",
                "ALTER TABLE messages ADD COLUMN tool_calls_json TEXT",
                "INSERT INTO sessions VALUES ('cli-session', 'cli:local', '2025-01-02T03:04:05.123+00:00', "
                        + "'2025-01-02T03:09:00+00:00')");
        try (Connection connection = TestDatabases.raw(file);
                PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO messages (id, session_id, role, content, tool_call_id, tool_name, tool_calls_json, "
                                + "created_at) VALUES (?, 'cli-session', ?, ?, ?, ?, ?, ?)")) {
            // inserted out of order on purpose
            row(insert, "m4", "assistant", "it said hi", null, null, null, "2025-01-02T03:08:00+00:00");
            row(insert, "m1", "user", "hello", null, null, null, "2025-01-02T03:05:00.5+00:00");
            row(insert, "m3", "tool", "hi", "call-1", "system.run", null, "2025-01-02T03:07:00+00:00");
            row(insert, "m2", "assistant", "", null, null,
                    "[{\"id\":\"call-1\",\"name\":\"system.run\",\"arguments\":{\"command\":\"echo hi\"}}]",
                    "2025-01-02T03:06:00.000000001+00:00");
        }
    }

    private static void row(PreparedStatement insert, String... values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            insert.setString(i + 1, values[i]);
        }
        insert.executeUpdate();
    }
}
