package org.openpista.memory.sqlite.internal;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.openpista.api.memory.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Versioned migrations. The version lives in {@code PRAGMA user_version} (part of the database
 * header, so it changes atomically with the migration's own transaction). Each migration runs in
 * its own {@code BEGIN IMMEDIATE} transaction and re-reads the version inside it, so a daemon and
 * a one-shot CLI opening a fresh file at the same moment migrate it exactly once. A file with a
 * higher version than {@link #LATEST} comes from a newer openpista and is refused untouched (by
 * {@link DatabaseFile}, before anything is opened for writing; the checks here repeat that for a
 * file that changed in between).
 *
 * <p>Migrations are Java constants rather than resources: one statement per string, no SQL
 * splitting, and they are compiled into the bundle with the code that reads the tables. Append new
 * migrations; never edit a released one.
 *
 * <p>Attachments live in their own table (not base64 inside a JSON column), their bytes in
 * content-addressed files since version 3 ({@link MediaFiles}), so a screenshot costs its size once
 * and listing or loading text never decodes image bytes.
 */
final class Schema {

    private static final Logger LOG = LoggerFactory.getLogger(Schema.class);

    /** One step of the schema. */
    record Migration(int version, String description, List<String> statements) {}

    static final List<Migration> MIGRATIONS = List.of(new Migration(1, "sessions, messages and attachments", List.of(
            """
            CREATE TABLE sessions (
                id               TEXT PRIMARY KEY NOT NULL,
                channel          TEXT NOT NULL,
                conversation_key TEXT NOT NULL,
                created_at       TEXT NOT NULL,
                updated_at       TEXT NOT NULL
            )""",
            "CREATE INDEX sessions_by_updated ON sessions (updated_at)",
            "CREATE INDEX sessions_by_conversation ON sessions (conversation_key)",
            """
            CREATE TABLE messages (
                id            INTEGER PRIMARY KEY,
                session_id    TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
                seq           INTEGER NOT NULL,
                role          TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant', 'tool')),
                content       TEXT NOT NULL,
                tool_calls    TEXT,
                tool_call_id  TEXT,
                tool_name     TEXT,
                is_error      INTEGER NOT NULL DEFAULT 0 CHECK (is_error IN (0, 1)),
                provider_data TEXT,
                created_at    TEXT NOT NULL,
                UNIQUE (session_id, seq)
            )""",
            """
            CREATE TABLE attachments (
                id         INTEGER PRIMARY KEY,
                message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
                position   INTEGER NOT NULL,
                mime_type  TEXT NOT NULL,
                name       TEXT NOT NULL,
                data       BLOB NOT NULL,
                UNIQUE (message_id, position)
            )""")),
            new Migration(2, "the queue of messages waiting for their turn, and the processes using the file", List.of(
            // pid, machine and process start tell at once that a process on this machine has ended;
            // the heartbeat tells it for the others (see Owners)
            """
            CREATE TABLE owners (
                id            TEXT PRIMARY KEY NOT NULL,
                pid           INTEGER NOT NULL,
                machine       TEXT,
                started_at    INTEGER NOT NULL,
                heartbeat_at  INTEGER NOT NULL
            )""",
            // a new entry's id is above every stored one (the rowid is max + 1), which is all the
            // ordering needs; no AUTOINCREMENT, which would write its counter on every message
            """
            CREATE TABLE inbox (
                id               INTEGER PRIMARY KEY,
                session_id       TEXT NOT NULL,
                owner            TEXT NOT NULL,
                state            TEXT NOT NULL CHECK (state IN ('queued', 'running')),
                channel          TEXT NOT NULL,
                conversation_key TEXT NOT NULL,
                sender_id        TEXT NOT NULL,
                content          TEXT NOT NULL,
                metadata         TEXT NOT NULL,
                queued_at        TEXT NOT NULL
            )""",
            "CREATE INDEX inbox_by_session ON inbox (session_id, id)",
            """
            CREATE TABLE inbox_attachments (
                entry_id  INTEGER NOT NULL REFERENCES inbox (id) ON DELETE CASCADE,
                position  INTEGER NOT NULL,
                mime_type TEXT NOT NULL,
                name      TEXT NOT NULL,
                data      BLOB NOT NULL,
                PRIMARY KEY (entry_id, position)
            )""",
            // marks the file as ours in its header, so another application's database is told apart
            "PRAGMA application_id = " + DatabaseFile.APPLICATION_ID)),
            // rows written from now on keep their bytes in media files named by this hash (see MediaFiles)
            // and an empty data column; older rows keep their bytes and no hash
            new Migration(3, "attachments stored as content-addressed media files", List.of(
                    "ALTER TABLE attachments ADD COLUMN sha256 TEXT",
                    "ALTER TABLE inbox_attachments ADD COLUMN sha256 TEXT",
                    "CREATE INDEX attachments_by_sha256 ON attachments (sha256)",
                    "CREATE INDEX inbox_attachments_by_sha256 ON inbox_attachments (sha256)")),
            new Migration(4, "the token counts of model requests (openpista usage)", List.of(
            // one row per answered model request; the time in epoch milliseconds sorts and compares as it
            // should; deleted with the session
            """
            CREATE TABLE usage (
                id                 INTEGER PRIMARY KEY,
                session_id         TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
                turn_id            TEXT NOT NULL,
                channel            TEXT NOT NULL,
                provider           TEXT NOT NULL,
                model              TEXT NOT NULL,
                input_tokens       INTEGER NOT NULL,
                output_tokens      INTEGER NOT NULL,
                cache_read_tokens  INTEGER NOT NULL,
                cache_write_tokens INTEGER NOT NULL,
                at_millis          INTEGER NOT NULL
            )""",
            "CREATE INDEX usage_by_time ON usage (at_millis)")));

    /** The highest schema version this code knows. */
    static final int LATEST = MIGRATIONS.get(MIGRATIONS.size() - 1).version();

    private Schema() {}

    /**
     * Brings the database up to {@link #LATEST}.
     *
     * @return the versions applied now, empty when the file was current
     * @throws StoreException for a newer or foreign file
     * @throws SQLException when SQLite fails
     */
    static List<Integer> migrate(Connection connection, Path file, Codec codec) throws SQLException {
        int current = userVersion(connection);
        checkNotNewer(current, file);
        if (current == 0 && LegacyImport.isLegacy(connection)) {
            // converting is one-way: keep the Rust openpista's file as it was, beside the new one
            LegacyImport.backup(connection, file);
        }
        List<Integer> applied = new ArrayList<>();
        for (Migration migration : MIGRATIONS) {
            if (migration.version() <= current) {
                continue;
            }
            execute(connection, "BEGIN IMMEDIATE");
            try {
                int now = userVersion(connection);
                checkNotNewer(now, file);
                if (now < migration.version()) {
                    apply(connection, file, codec, migration, now);
                    applied.add(migration.version());
                }
                execute(connection, "COMMIT");
                current = Math.max(now, migration.version());
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection);
                throw e;
            }
        }
        return List.copyOf(applied);
    }

    private static void apply(Connection connection, Path file, Codec codec, Migration migration, int from)
            throws SQLException {
        boolean legacy = false;
        if (from == 0) {
            Set<String> tables = userTables(connection);
            legacy = LegacyImport.isLegacy(connection);
            if (!legacy && !tables.isEmpty()) {
                throw new StoreException(file + " belongs to another application (tables: " + String.join(", ", tables)
                        + "); openpista will not modify it; set [database] url to another file", null);
            }
            if (legacy) {
                LegacyImport.moveAside(connection);
            }
        }
        for (String sql : migration.statements()) {
            execute(connection, sql);
        }
        if (legacy) {
            LegacyImport.copyAndDrop(connection, codec);
        }
        execute(connection, "PRAGMA user_version = " + migration.version());
        LOG.info("Conversation memory {}: applied schema migration {} ({}){}", file, migration.version(),
                migration.description(), legacy ? ", imported the Rust openpista's sessions" : "");
    }

    private static void checkNotNewer(int version, Path file) {
        if (version > LATEST) {
            throw new StoreException(file + " was written by a newer openpista (schema " + version + ", this one knows "
                    + LATEST + "); upgrade openpista or set [database] url to another file", null);
        }
    }

    static int userVersion(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("PRAGMA user_version")) {
            return rows.next() ? rows.getInt(1) : 0;
        }
    }

    static Set<String> userTables(Connection connection) throws SQLException {
        Set<String> names = new TreeSet<>();
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(
                        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")) {
            while (rows.next()) {
                names.add(rows.getString(1));
            }
        }
        return names;
    }

    static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** Rolls back; SQLite may already have done so itself (disk full), which is fine. */
    static void rollbackQuietly(Connection connection) {
        try {
            execute(connection, "ROLLBACK");
        } catch (SQLException e) {
            LOG.debug("Rollback after an error: {}", e.getMessage());
        }
    }
}
