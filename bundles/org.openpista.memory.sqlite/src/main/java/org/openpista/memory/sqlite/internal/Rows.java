package org.openpista.memory.sqlite.internal;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.openpista.api.chat.Attachment;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.chat.Role;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.memory.SessionInfo;
import org.openpista.api.memory.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQL of sessions, messages and attachments, for use inside a transaction of {@link Database}:
 * the store's own methods and the queue's start (which moves a message into its session) share it.
 */
final class Rows {

    /** Preview length in characters. */
    static final int PREVIEW_LENGTH = 100;

    private static final Logger LOG = LoggerFactory.getLogger(Rows.class);

    private static final String SESSION_COLUMNS = "SELECT s.id, s.channel, s.conversation_key, s.created_at, "
            + "s.updated_at, (SELECT COUNT(*) FROM messages m WHERE m.session_id = s.id), "
            + "(SELECT substr(m.content, 1, " + (PREVIEW_LENGTH * 4) + ") FROM messages m WHERE m.session_id = s.id "
            + "AND m.role IN ('user', 'assistant') AND trim(m.content) <> '' ORDER BY m.seq DESC LIMIT 1) "
            + "FROM sessions s ";

    private final Database db;
    private final MediaFiles media;

    Rows(Database db, MediaFiles media) {
        this.db = db;
        this.media = media;
    }

    /** Creates the session unless it exists. */
    void ensureSession(String id, String channel, String conversationKey) throws SQLException {
        String now = Codec.formatInstant(db.stamp());
        PreparedStatement insert = db.statement("INSERT INTO sessions (id, channel, conversation_key, created_at, "
                + "updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING");
        insert.setString(1, id);
        insert.setString(2, channel == null ? "" : channel);
        insert.setString(3, conversationKey == null ? "" : conversationKey);
        insert.setString(4, now);
        insert.setString(5, now);
        insert.executeUpdate();
    }

    /** Appends a message to an existing session and touches the session. */
    void append(String sessionId, ChatMessage message) throws SQLException {
        if (!touch(sessionId)) {
            throw new StoreException("cannot store a message: there is no session '" + sessionId + "' in " + db.file()
                    + " (ensureSession creates it)", null);
        }
        insertMessage(sessionId, message);
    }

    /**
     * Appends a message to a session, creating the session first when it does not exist: one
     * statement less than {@link #ensureSession} and {@link #append} for a session that exists,
     * as at every turn but a conversation's first.
     */
    void appendCreating(String sessionId, String channel, String conversationKey, ChatMessage message)
            throws SQLException {
        if (!touch(sessionId)) {
            ensureSession(sessionId, channel, conversationKey);
        }
        insertMessage(sessionId, message);
    }

    /** @return whether the session exists; its {@code updated_at} is now */
    private boolean touch(String sessionId) throws SQLException {
        PreparedStatement touch = db.statement("UPDATE sessions SET updated_at = ? WHERE id = ?");
        touch.setString(1, Codec.formatInstant(db.stamp()));
        touch.setString(2, sessionId);
        return touch.executeUpdate() > 0;
    }

    private void insertMessage(String sessionId, ChatMessage message) throws SQLException {
        String toolCalls = db.codec().encodeToolCalls(message.toolCalls());
        // seq is computed inside the write transaction, so it is unique even across processes
        PreparedStatement insert = db.statement("INSERT INTO messages (session_id, seq, role, content, tool_calls, "
                + "tool_call_id, tool_name, is_error, provider_data, created_at) VALUES (?, "
                + "(SELECT COALESCE(MAX(seq), 0) + 1 FROM messages WHERE session_id = ?), ?, ?, ?, ?, ?, ?, ?, ?)");
        insert.setString(1, sessionId);
        insert.setString(2, sessionId);
        insert.setString(3, message.role().wireName());
        insert.setString(4, message.content());
        insert.setString(5, toolCalls);
        insert.setString(6, message.toolCallId());
        insert.setString(7, message.toolName());
        insert.setInt(8, message.error() ? 1 : 0);
        insert.setString(9, message.providerData());
        insert.setString(10, Codec.formatInstant(message.createdAt()));
        insert.executeUpdate();
        if (!message.attachments().isEmpty()) {
            insertAttachments("attachments", "message_id", lastRowId(), message.attachments());
        }
    }

    /** Stores attachments of a row of {@code table} (whose key column is {@code owner}), in order. */
    void insertAttachments(String table, String owner, long ownerId, List<Attachment> attachments)
            throws SQLException {
        if (attachments.isEmpty()) {
            return;
        }
        PreparedStatement attach = db.statement("INSERT INTO " + table + " (" + owner
                + ", position, mime_type, name, data, sha256) VALUES (?, ?, ?, ?, ?, ?)");
        int position = 0;
        for (Attachment attachment : attachments) {
            // the bytes go to a file named by their hash; the row keeps the hash and an empty data column
            String sha = media.store(attachment.data());
            attach.setLong(1, ownerId);
            attach.setInt(2, position++);
            attach.setString(3, attachment.mimeType());
            attach.setString(4, attachment.name());
            attach.setBytes(5, new byte[0]);
            attach.setString(6, sha);
            attach.executeUpdate();
        }
    }

    /**
     * @return the attachment of a row: its bytes from the media file, or from the row itself when
     *     it was stored before media files existed; {@code null} when its file is gone
     */
    Attachment attachment(String mimeType, String name, byte[] data, String sha) {
        byte[] bytes = sha == null ? data : media.read(sha);
        return bytes == null ? null : new Attachment(mimeType, name, bytes);
    }

    /** @return the hashes of the media files of a session's messages */
    java.util.Set<String> mediaOf(String sessionId) throws SQLException {
        PreparedStatement select = db.statement("SELECT DISTINCT a.sha256 FROM attachments a JOIN messages m "
                + "ON m.id = a.message_id WHERE m.session_id = ? AND a.sha256 IS NOT NULL");
        select.setString(1, sessionId);
        java.util.Set<String> hashes = new java.util.HashSet<>();
        try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                hashes.add(rows.getString(1));
            }
        }
        return hashes;
    }

    /** @return whether any message or queued message still refers to the media file */
    boolean mediaInUse(String sha) throws SQLException {
        PreparedStatement select = db.statement("SELECT EXISTS (SELECT 1 FROM attachments WHERE sha256 = ?) "
                + "OR EXISTS (SELECT 1 FROM inbox_attachments WHERE sha256 = ?)");
        select.setString(1, sha);
        select.setString(2, sha);
        try (ResultSet rows = select.executeQuery()) {
            return rows.next() && rows.getInt(1) != 0;
        }
    }

    /** @return the media files */
    MediaFiles media() {
        return media;
    }

    /** @return the rowid of the last insert on the connection */
    long lastRowId() throws SQLException {
        try (ResultSet key = db.statement("SELECT last_insert_rowid()").executeQuery()) {
            key.next();
            return key.getLong(1);
        }
    }

    Optional<SessionInfo> findSession(String id) throws SQLException {
        PreparedStatement select = db.statement(SESSION_COLUMNS + "WHERE s.id = ?");
        select.setString(1, id);
        try (ResultSet rows = select.executeQuery()) {
            return rows.next() ? Optional.of(sessionInfo(rows)) : Optional.empty();
        }
    }

    List<SessionInfo> sessions(int limit) throws SQLException {
        PreparedStatement select = db.statement(SESSION_COLUMNS + "ORDER BY s.updated_at DESC, s.rowid DESC LIMIT ?");
        select.setInt(1, limit);
        List<SessionInfo> result = new ArrayList<>();
        try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                result.add(sessionInfo(rows));
            }
        }
        return List.copyOf(result);
    }

    /**
     * @return the session's messages in order, without rows no provider could use; one statement
     *     (a message with attachments comes in a row per attachment), so it reads one snapshot
     *     without a transaction of its own
     */
    List<ChatMessage> messages(String sessionId) throws SQLException {
        PreparedStatement select = db.statement("SELECT m.id, m.seq, m.role, m.content, m.tool_calls, "
                + "m.tool_call_id, m.tool_name, m.is_error, m.provider_data, m.created_at, a.mime_type, a.name, "
                + "a.data, a.sha256 FROM messages m LEFT JOIN attachments a ON a.message_id = m.id "
                + "WHERE m.session_id = ? ORDER BY m.seq, a.position");
        select.setString(1, sessionId);
        List<ChatMessage> messages = new ArrayList<>();
        long current = -1;
        ChatMessage message = null;
        List<Attachment> attachments = new ArrayList<>();
        try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                long id = rows.getLong(1);
                if (id != current) {
                    add(messages, message, attachments);
                    current = id;
                    message = decode(rows, sessionId);
                    attachments = new ArrayList<>();
                }
                // no attachment row: its columns are null (mime_type is NOT NULL in a row)
                String mimeType = rows.getString(11);
                if (mimeType != null) {
                    Attachment attachment = attachment(mimeType, rows.getString(12), rows.getBytes(13),
                            rows.getString(14));
                    if (attachment != null) {
                        attachments.add(attachment);
                    }
                }
            }
        }
        add(messages, message, attachments);
        return messages;
    }

    private static void add(List<ChatMessage> messages, ChatMessage message, List<Attachment> attachments) {
        if (message != null) {
            messages.add(attachments.isEmpty() ? message : message.withAttachments(List.copyOf(attachments)));
        }
    }

    /** @return the message of this row, or {@code null} for a row no provider could use */
    private ChatMessage decode(ResultSet row, String sessionId) throws SQLException {
        long seq = row.getLong(2);
        Role role = Role.fromWireName(row.getString(3));
        String toolCallId = row.getString(6);
        if (role == Role.TOOL && toolCallId == null) {
            LOG.warn("Session '{}' message {}: a tool result without a call id, skipped", sessionId, seq);
            return null;
        }
        List<ToolCall> calls = List.of();
        if (role == Role.ASSISTANT) {
            try {
                calls = db.codec().decodeToolCalls(row.getString(5));
            } catch (IllegalArgumentException e) {
                // its results will be dropped as orphans, which keeps the history valid
                LOG.warn("Session '{}' message {}: unreadable tool calls ignored: {}", sessionId, seq, e.getMessage());
            }
        }
        return new ChatMessage(role, row.getString(4), calls, role == Role.TOOL ? toolCallId : null,
                row.getString(7), row.getInt(8) != 0, List.of(), row.getString(9),
                Codec.parseInstant(row.getString(10)));
    }

    private static SessionInfo sessionInfo(ResultSet row) throws SQLException {
        return new SessionInfo(row.getString(1), row.getString(2), row.getString(3),
                Codec.parseInstant(row.getString(4)), Codec.parseInstant(row.getString(5)), row.getLong(6),
                preview(row.getString(7)));
    }

    /** @return the text on one line, cut to {@link #PREVIEW_LENGTH} characters (not splitting a pair) */
    static String preview(String text) {
        if (text == null) {
            return "";
        }
        String line = text.strip().replaceAll("\\s+", " ");
        if (line.codePointCount(0, line.length()) <= PREVIEW_LENGTH) {
            return line;
        }
        int end = line.offsetByCodePoints(0, PREVIEW_LENGTH - 1);
        return line.substring(0, end).stripTrailing() + "…";
    }
}
