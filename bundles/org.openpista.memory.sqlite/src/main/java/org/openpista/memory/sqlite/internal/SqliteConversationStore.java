package org.openpista.memory.sqlite.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.openpista.api.chat.Attachment;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.chat.Role;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.memory.ConversationStore;
import org.openpista.api.memory.SessionInfo;
import org.openpista.api.memory.StoreException;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * Conversation memory in one SQLite file. One connection serves every thread, guarded by a lock:
 * SQLite writes one transaction at a time anyway, an append is a few microseconds in WAL mode, and
 * a single connection keeps {@code seq} assignment and the session's {@code updated_at} simple.
 * The daemon and a one-shot CLI may share the file: WAL lets readers run beside the writer, every
 * write is a {@code BEGIN IMMEDIATE} transaction, and the busy timeout makes the other process wait
 * instead of failing.
 */
@Component(
        service = ConversationStore.class,
        configurationPid = SqliteConversationStore.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        immediate = true)
@Designate(ocd = SqliteConversationStore.Config.class)
public final class SqliteConversationStore implements ConversationStore {

    /** The configuration PID, filled from {@code [database]} in {@code config.toml}. */
    static final String PID = "org.openpista.memory.sqlite";

    /** How long a write waits for another process holding the file, in milliseconds. */
    static final int BUSY_TIMEOUT_MILLIS = 5000;

    /** Preview length in characters. */
    static final int PREVIEW_LENGTH = 100;

    private static final Logger LOG = LoggerFactory.getLogger(SqliteConversationStore.class);

    private static final String SESSION_COLUMNS = "SELECT s.id, s.channel, s.conversation_key, s.created_at, "
            + "s.updated_at, (SELECT COUNT(*) FROM messages m WHERE m.session_id = s.id), "
            + "(SELECT substr(m.content, 1, " + (PREVIEW_LENGTH * 4) + ") FROM messages m WHERE m.session_id = s.id "
            + "AND m.role IN ('user', 'assistant') AND trim(m.content) <> '' ORDER BY m.seq DESC LIMIT 1) "
            + "FROM sessions s ";

    /** The {@code [database]} section. */
    @ObjectClassDefinition(
            name = "openpista conversation memory",
            description = "The SQLite file holding sessions and their messages")
    public @interface Config {
        @AttributeDefinition(
                name = "Database",
                description = "File path or sqlite: URL (sqlite://~/.openpista/memory.db); ~ is the user's home, "
                        + "a relative path is relative to the openpista home; empty = <openpista home>/memory.db",
                required = false)
        String url() default "";

        @AttributeDefinition(name = "Path", description = "Synonym of url, used when url is empty", required = false)
        String path() default "";
    }

    private final Path file;
    private final Codec codec = new Codec();
    private final ReentrantLock lock = new ReentrantLock();
    private final Connection connection;
    private final List<Integer> appliedMigrations;
    // guarded by lock
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private Instant lastStamp = Instant.EPOCH;
    private boolean closed;

    /**
     * Opens the configured file.
     *
     * @param config the {@code [database]} configuration
     * @param context gives the {@code openpista.home} framework property
     */
    @Activate
    public SqliteConversationStore(Config config, BundleContext context) {
        this(resolve(config, context.getProperty("openpista.home"), System.getProperty("user.home")));
    }

    /**
     * Opens (creating it and its folders when missing) and migrates a database file.
     *
     * @param file the database file
     * @throws StoreException when it cannot be opened or migrated
     */
    SqliteConversationStore(Path file) {
        this.file = file.toAbsolutePath().normalize();
        createParent(this.file);
        this.connection = open(this.file);
        try {
            this.appliedMigrations = Schema.migrate(connection, this.file, codec);
        } catch (SQLException e) {
            closeQuietly();
            throw failure("prepare the schema of", e);
        } catch (RuntimeException e) {
            closeQuietly();
            throw e;
        }
        LOG.info("Conversation memory at {} (schema version {})", this.file, Schema.LATEST);
    }

    static Path resolve(Config config, String openpistaHome, String userHome) {
        String url = config.url() == null || config.url().isBlank() ? config.path() : config.url();
        return DatabaseLocation.resolve(url, openpistaHome, userHome);
    }

    /** Closes the connection; later calls fail with a clear message. */
    @Deactivate
    void deactivate() {
        lock.lock();
        try {
            if (!closed) {
                closed = true;
                closeQuietly();
            }
        } finally {
            lock.unlock();
        }
    }

    /** @return the database file */
    Path file() {
        return file;
    }

    /** @return the migrations this instance applied when it opened the file */
    List<Integer> appliedMigrations() {
        return appliedMigrations;
    }

    @Override
    public SessionInfo ensureSession(String id, String channel, String conversationKey) {
        requireId(id);
        return write("create session '" + id + "' in", () -> {
            String now = Codec.formatInstant(stamp());
            PreparedStatement insert = statement("INSERT INTO sessions (id, channel, conversation_key, created_at, "
                    + "updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING");
            insert.setString(1, id);
            insert.setString(2, channel == null ? "" : channel);
            insert.setString(3, conversationKey == null ? "" : conversationKey);
            insert.setString(4, now);
            insert.setString(5, now);
            insert.executeUpdate();
            return findSession(id).orElseThrow(() -> new StoreException(
                    "session '" + id + "' vanished from " + file + " while it was created", null));
        });
    }

    @Override
    public Optional<SessionInfo> session(String id) {
        requireId(id);
        return read("read session '" + id + "' from", () -> findSession(id));
    }

    @Override
    public List<SessionInfo> sessions(int limit) {
        if (limit <= 0) {
            return List.of();
        }
        return read("list the sessions of", () -> {
            PreparedStatement select = statement(SESSION_COLUMNS + "ORDER BY s.updated_at DESC, s.rowid DESC LIMIT ?");
            select.setInt(1, limit);
            List<SessionInfo> result = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    result.add(sessionInfo(rows));
                }
            }
            return List.copyOf(result);
        });
    }

    @Override
    public void append(String sessionId, ChatMessage message) {
        requireId(sessionId);
        Objects.requireNonNull(message, "message");
        String toolCalls = codec.encodeToolCalls(message.toolCalls());
        write("store a message of session '" + sessionId + "' in", () -> {
            PreparedStatement touch = statement("UPDATE sessions SET updated_at = ? WHERE id = ?");
            touch.setString(1, Codec.formatInstant(stamp()));
            touch.setString(2, sessionId);
            if (touch.executeUpdate() == 0) {
                throw new StoreException("cannot store a message: there is no session '" + sessionId + "' in " + file
                        + " (ensureSession creates it)", null);
            }
            // seq is computed inside the write transaction, so it is unique even across processes
            PreparedStatement insert = statement("INSERT INTO messages (session_id, seq, role, content, tool_calls, "
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
                long messageId;
                try (ResultSet key = statement("SELECT last_insert_rowid()").executeQuery()) {
                    key.next();
                    messageId = key.getLong(1);
                }
                PreparedStatement attach = statement(
                        "INSERT INTO attachments (message_id, position, mime_type, name, data) VALUES (?, ?, ?, ?, ?)");
                int position = 0;
                for (Attachment attachment : message.attachments()) {
                    attach.setLong(1, messageId);
                    attach.setInt(2, position++);
                    attach.setString(3, attachment.mimeType());
                    attach.setString(4, attachment.name());
                    attach.setBytes(5, attachment.data());
                    attach.executeUpdate();
                }
            }
            return null;
        });
    }

    @Override
    public List<ChatMessage> history(String sessionId) {
        requireId(sessionId);
        List<ChatMessage> stored = read("read the history of session '" + sessionId + "' from", () -> {
            // one read transaction: messages and their attachments from the same snapshot
            Schema.execute(connection, "BEGIN");
            try {
                List<ChatMessage> messages = loadMessages(sessionId);
                Schema.execute(connection, "COMMIT");
                return messages;
            } catch (SQLException | RuntimeException e) {
                Schema.rollbackQuietly(connection);
                throw e;
            }
        });
        HistoryRepair.Result repaired = HistoryRepair.repair(stored);
        if (repaired.synthesized() > 0 || repaired.dropped() > 0) {
            LOG.info("History of session '{}' repaired: {} interrupted tool call(s) answered, {} orphan result(s) "
                    + "dropped", sessionId, repaired.synthesized(), repaired.dropped());
        }
        return repaired.messages();
    }

    @Override
    public boolean deleteSession(String sessionId) {
        requireId(sessionId);
        return write("delete session '" + sessionId + "' from", () -> {
            PreparedStatement delete = statement("DELETE FROM sessions WHERE id = ?");
            delete.setString(1, sessionId);
            return delete.executeUpdate() > 0;
        });
    }

    private List<ChatMessage> loadMessages(String sessionId) throws SQLException {
        Map<Long, List<Attachment>> attachments = new HashMap<>();
        PreparedStatement selectAttachments = statement("SELECT a.message_id, a.mime_type, a.name, a.data "
                + "FROM attachments a JOIN messages m ON m.id = a.message_id WHERE m.session_id = ? "
                + "ORDER BY a.message_id, a.position");
        selectAttachments.setString(1, sessionId);
        try (ResultSet rows = selectAttachments.executeQuery()) {
            while (rows.next()) {
                attachments.computeIfAbsent(rows.getLong(1), k -> new ArrayList<>())
                        .add(new Attachment(rows.getString(2), rows.getString(3), rows.getBytes(4)));
            }
        }
        PreparedStatement select = statement("SELECT id, seq, role, content, tool_calls, tool_call_id, tool_name, "
                + "is_error, provider_data, created_at FROM messages WHERE session_id = ? ORDER BY seq");
        select.setString(1, sessionId);
        List<ChatMessage> messages = new ArrayList<>();
        try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                ChatMessage message = decode(rows, attachments.getOrDefault(rows.getLong(1), List.of()), sessionId);
                if (message != null) {
                    messages.add(message);
                }
            }
        }
        return messages;
    }

    /** @return the message of this row, or {@code null} for a row no provider could use */
    private ChatMessage decode(ResultSet row, List<Attachment> attachments, String sessionId) throws SQLException {
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
                calls = codec.decodeToolCalls(row.getString(5));
            } catch (IllegalArgumentException e) {
                // its results will be dropped as orphans, which keeps the history valid
                LOG.warn("Session '{}' message {}: unreadable tool calls ignored: {}", sessionId, seq, e.getMessage());
            }
        }
        return new ChatMessage(role, row.getString(4), calls, role == Role.TOOL ? toolCallId : null,
                row.getString(7), row.getInt(8) != 0, attachments, row.getString(9),
                Codec.parseInstant(row.getString(10)));
    }

    private Optional<SessionInfo> findSession(String id) throws SQLException {
        PreparedStatement select = statement(SESSION_COLUMNS + "WHERE s.id = ?");
        select.setString(1, id);
        try (ResultSet rows = select.executeQuery()) {
            return rows.next() ? Optional.of(sessionInfo(rows)) : Optional.empty();
        }
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

    /** @return a time after every one this store handed out, so updates order even within a clock tick */
    private Instant stamp() {
        Instant now = Instant.now();
        lastStamp = now.isAfter(lastStamp) ? now : lastStamp.plusNanos(1);
        return lastStamp;
    }

    @FunctionalInterface
    private interface Work<T> {
        T run() throws SQLException;
    }

    private <T> T read(String action, Work<T> work) {
        lock.lock();
        try {
            requireOpen(action);
            return work.run();
        } catch (SQLException e) {
            // sqlite-jdbc finalizes a statement that failed (disk full, busy), so start afresh
            closeStatements();
            throw failure(action, e);
        } catch (java.time.format.DateTimeParseException | IllegalArgumentException e) {
            throw new StoreException("cannot " + action + " " + file + ": a stored row is damaged (" + e.getMessage()
                    + ")", e);
        } finally {
            lock.unlock();
        }
    }

    private <T> T write(String action, Work<T> work) {
        return read(action, () -> {
            statement("BEGIN IMMEDIATE").execute();
            try {
                T result = work.run();
                statement("COMMIT").execute();
                return result;
            } catch (SQLException | RuntimeException e) {
                Schema.rollbackQuietly(connection);
                throw e;
            }
        });
    }

    private PreparedStatement statement(String sql) throws SQLException {
        PreparedStatement statement = statements.get(sql);
        if (statement == null) {
            statement = connection.prepareStatement(sql);
            statements.put(sql, statement);
        }
        return statement;
    }

    private void requireOpen(String action) {
        if (closed) {
            throw new StoreException("cannot " + action + " " + file + ": the conversation store is closed", null);
        }
    }

    private static void requireId(String id) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("a session id must not be empty");
        }
    }

    private StoreException failure(String action, SQLException e) {
        return new StoreException("cannot " + action + " " + file + ": " + e.getMessage(), e);
    }

    private static void createParent(Path file) {
        Path parent = file.getParent();
        if (parent == null) {
            return;
        }
        try {
            Files.createDirectories(parent);
        } catch (IOException | SecurityException e) {
            throw new StoreException("cannot create the folder " + parent + " for the conversation memory " + file
                    + ": " + describe(e), e);
        }
    }

    private static Connection open(Path file) {
        if (Files.isDirectory(file)) {
            throw new StoreException("cannot open the conversation memory " + file + ": it is a directory", null);
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.enforceForeignKeys(true);
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        try {
            // the driver directly: DriverManager does not see drivers inside OSGi
            return config.createConnection("jdbc:sqlite:" + file);
        } catch (SQLException e) {
            throw new StoreException("cannot open the conversation memory " + file + ": " + e.getMessage(), e);
        }
    }

    private void closeStatements() {
        for (PreparedStatement statement : statements.values()) {
            try {
                statement.close();
            } catch (SQLException e) {
                LOG.debug("Closing a statement failed", e);
            }
        }
        statements.clear();
    }

    private void closeQuietly() {
        closeStatements();
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.warn("Closing the conversation memory {} failed: {}", file, e.getMessage());
        }
    }

    private static String describe(Exception e) {
        String kind = e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                : e instanceof java.nio.file.FileAlreadyExistsException ? "a file is in the way"
                : e.getClass().getSimpleName();
        return e.getMessage() == null ? kind : kind + " (" + e.getMessage() + ")";
    }
}
