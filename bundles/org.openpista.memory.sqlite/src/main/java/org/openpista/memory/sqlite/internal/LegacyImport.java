package org.openpista.memory.sqlite.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.openpista.api.memory.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Converts the {@code memory.db} of the original Rust openpista, which lives at the same default
 * path, instead of refusing it: its sqlx schema had {@code sessions(id, channel_id, created_at,
 * updated_at)} and {@code messages(id TEXT, session_id, role, content, tool_call_id, tool_name,
 * tool_calls_json, created_at)} with RFC 3339 times, and no {@code user_version}. The file is first
 * copied to {@code memory.db.rust-backup} (a consistent copy made by SQLite), then converted inside
 * the first migration's transaction, so a failure leaves the original untouched.
 */
final class LegacyImport {

    private static final Logger LOG = LoggerFactory.getLogger(LegacyImport.class);
    private static final Set<String> ROLES = Set.of("system", "user", "assistant", "tool");

    private LegacyImport() {}

    /** @return whether the database holds the Rust openpista's tables and none of ours */
    static boolean isLegacy(Connection connection) throws SQLException {
        return Schema.userVersion(connection) == 0
                && columns(connection, "sessions").contains("channel_id")
                && columns(connection, "messages").containsAll(List.of("session_id", "role", "content"))
                && !columns(connection, "messages").contains("seq");
    }

    /** Copies the file to the first free {@code <file>.rust-backup[-n]}. */
    static void backup(Connection connection, Path file) {
        Path target = file.resolveSibling(file.getFileName() + ".rust-backup");
        for (int n = 2; Files.exists(target); n++) {
            target = file.resolveSibling(file.getFileName() + ".rust-backup-" + n);
        }
        try (PreparedStatement vacuum = connection.prepareStatement("VACUUM INTO ?")) {
            vacuum.setString(1, target.toString());
            vacuum.execute();
        } catch (SQLException e) {
            throw new StoreException("cannot back up the Rust openpista's " + file + " to " + target
                    + " before converting it: " + e.getMessage(), e);
        }
        // SQLite creates the copy with the default mode; the conversations in it are as private as the original
        DatabaseFile.restrictOne(target);
        LOG.info("Conversation memory {} comes from the Rust openpista; a copy is kept at {}", file, target);
    }

    /** Renames the old tables out of the way of the new schema. */
    static void moveAside(Connection connection) throws SQLException {
        Schema.execute(connection, "ALTER TABLE messages RENAME TO legacy_messages");
        Schema.execute(connection, "ALTER TABLE sessions RENAME TO legacy_sessions");
    }

    /** Copies the renamed tables into the new schema and drops them. */
    static void copyAndDrop(Connection connection, Codec codec) throws SQLException {
        List<String> sessionIds = new ArrayList<>();
        try (Statement select = connection.createStatement();
                ResultSet rows = select.executeQuery(
                        "SELECT id, channel_id, created_at, updated_at FROM legacy_sessions ORDER BY rowid");
                PreparedStatement insert = connection.prepareStatement(
                        "INSERT OR IGNORE INTO sessions (id, channel, conversation_key, created_at, updated_at) "
                                + "VALUES (?, ?, ?, ?, ?)")) {
            while (rows.next()) {
                String id = rows.getString(1);
                if (id == null) {
                    continue;
                }
                String key = rows.getString(2) == null ? id : rows.getString(2);
                int colon = key.indexOf(':');
                insert.setString(1, id);
                insert.setString(2, colon > 0 ? key.substring(0, colon) : key);
                insert.setString(3, key);
                insert.setString(4, Codec.formatInstant(time(rows.getString(3))));
                insert.setString(5, Codec.formatInstant(time(rows.getString(4))));
                insert.executeUpdate();
                sessionIds.add(id);
            }
        }
        int copied = 0;
        try (PreparedStatement select = connection.prepareStatement(
                        "SELECT rowid, role, content, tool_call_id, tool_name, tool_calls_json, created_at "
                                + "FROM legacy_messages WHERE session_id = ?");
                PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO messages (session_id, seq, role, content, tool_calls, tool_call_id, tool_name, "
                                + "is_error, provider_data, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, NULL, ?)")) {
            for (String sessionId : sessionIds) {
                select.setString(1, sessionId);
                List<Row> messages = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        String role = rows.getString(2) == null ? "" : rows.getString(2).toLowerCase(Locale.ROOT);
                        if (!ROLES.contains(role)) {
                            LOG.warn("Skipping a message with unknown role '{}' in session {}", role, sessionId);
                            continue;
                        }
                        messages.add(new Row(rows.getLong(1), role, rows.getString(3), rows.getString(4),
                                rows.getString(5), toolCalls(codec, role, rows.getString(6), sessionId),
                                time(rows.getString(7))));
                    }
                }
                // the Rust openpista ordered by created_at; the rowid breaks ties in insertion order
                messages.sort(Comparator.comparing(Row::createdAt).thenComparingLong(Row::rowid));
                int seq = 0;
                for (Row row : messages) {
                    insert.setString(1, sessionId);
                    insert.setInt(2, ++seq);
                    insert.setString(3, row.role());
                    insert.setString(4, row.content() == null ? "" : row.content());
                    insert.setString(5, row.toolCalls());
                    insert.setString(6, row.toolCallId());
                    insert.setString(7, row.toolName());
                    insert.setString(8, Codec.formatInstant(row.createdAt()));
                    insert.executeUpdate();
                    copied++;
                }
            }
        }
        Schema.execute(connection, "DROP TABLE legacy_messages");
        Schema.execute(connection, "DROP TABLE legacy_sessions");
        Schema.execute(connection, "DROP TABLE IF EXISTS _sqlx_migrations");
        LOG.info("Imported {} sessions with {} messages from the Rust openpista", sessionIds.size(), copied);
    }

    private record Row(
            long rowid, String role, String content, String toolCallId, String toolName, String toolCalls,
            Instant createdAt) {}

    /** Re-encodes the Rust tool calls (arguments as a JSON value) in our format (arguments as text). */
    private static String toolCalls(Codec codec, String role, String json, String sessionId) {
        if (!"assistant".equals(role) || json == null) {
            return null;
        }
        try {
            return codec.encodeToolCalls(codec.decodeToolCalls(json));
        } catch (IllegalArgumentException e) {
            LOG.warn("Dropping unreadable tool calls of a message in session {}: {}", sessionId, e.getMessage());
            return null;
        }
    }

    private static Instant time(String text) {
        if (text == null) {
            return Instant.EPOCH;
        }
        try {
            return Codec.parseInstant(text.strip());
        } catch (DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }

    static List<String> columns(Connection connection, String table) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement info = connection.prepareStatement("SELECT name FROM pragma_table_info(?)")) {
            info.setString(1, table);
            try (ResultSet rows = info.executeQuery()) {
                while (rows.next()) {
                    names.add(rows.getString(1));
                }
            }
        }
        return names;
    }
}
