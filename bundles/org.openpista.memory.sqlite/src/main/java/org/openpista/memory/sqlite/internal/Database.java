package org.openpista.memory.sqlite.internal;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.openpista.api.memory.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * The one connection to the memory file, shared by every thread under a lock: SQLite writes one
 * transaction at a time anyway, an append is a few microseconds in WAL mode, and a single
 * connection keeps {@code seq} assignment and the session's {@code updated_at} simple. The daemon
 * and a one-shot CLI may share the file: WAL lets readers run beside the writer, every write is a
 * {@code BEGIN IMMEDIATE} transaction, and the busy timeout makes the other process wait instead of
 * failing. Opening checks the file first ({@link DatabaseFile}) and migrates it ({@link Schema}).
 */
final class Database {

    /** How long a write waits for another process holding the file, in milliseconds. */
    static final int BUSY_TIMEOUT_MILLIS = 5000;

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

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
     * Checks, opens (creating it when missing, readable by its owner only) and migrates a file.
     *
     * @throws StoreException naming the file and what is wrong
     */
    Database(Path file) {
        this.file = file.toAbsolutePath().normalize();
        DatabaseFile.Kind kind = DatabaseFile.check(this.file);
        if (kind == DatabaseFile.Kind.NEW) {
            DatabaseFile.createPrivate(this.file);
        }
        // also an empty file someone created beforehand
        DatabaseFile.restrict(this.file);
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
    }

    /** @return the file */
    Path file() {
        return file;
    }

    /** @return the connection; only under the lock (inside {@link #read}) */
    Connection connection() {
        return connection;
    }

    /** @return the column formats */
    Codec codec() {
        return codec;
    }

    /** @return the migrations applied when the file was opened */
    List<Integer> appliedMigrations() {
        return appliedMigrations;
    }

    /** Work on the connection; runs under the lock. */
    @FunctionalInterface
    interface Work<T> {
        T run() throws SQLException;
    }

    /** Runs work under the lock, outside a transaction of its own (one statement, or its own BEGIN). */
    <T> T read(String action, Work<T> work) {
        lock.lock();
        try {
            if (closed) {
                throw new StoreException("cannot " + action + " " + file + ": the conversation store is closed", null);
            }
            return work.run();
        } catch (SQLException e) {
            // sqlite-jdbc finalizes a statement that failed (disk full, busy), so start afresh
            closeStatements();
            throw failure(action, e);
        } catch (DateTimeParseException | IllegalArgumentException e) {
            throw new StoreException("cannot " + action + " " + file + ": a stored row is damaged (" + e.getMessage()
                    + ")", e);
        } finally {
            lock.unlock();
        }
    }

    /** Runs work in one {@code BEGIN IMMEDIATE} transaction, rolled back when it throws. */
    <T> T write(String action, Work<T> work) {
        return transaction(action, "BEGIN IMMEDIATE", work);
    }

    /** Runs work between {@code begin} and {@code COMMIT}, rolled back when it throws. */
    private <T> T transaction(String action, String begin, Work<T> work) {
        return read(action, () -> {
            statement(begin).execute();
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

    /** @return a prepared statement, cached for the connection's life; only under the lock */
    PreparedStatement statement(String sql) throws SQLException {
        PreparedStatement statement = statements.get(sql);
        if (statement == null) {
            statement = connection.prepareStatement(sql);
            statements.put(sql, statement);
        }
        return statement;
    }

    /** @return a time after every one this database handed out, so updates order even within a clock tick */
    Instant stamp() {
        Instant now = Instant.now();
        lastStamp = now.isAfter(lastStamp) ? now : lastStamp.plusNanos(1);
        return lastStamp;
    }

    /** Closes the connection; later calls fail with a clear message. */
    void close() {
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

    StoreException failure(String action, SQLException e) {
        return new StoreException("cannot " + action + " " + file + ": " + reason(e), e);
    }

    /** @return SQLite's own words for a failure, without the driver's code prefix */
    static String reason(SQLException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        // sqlite-jdbc: "[SQLITE_FULL] Insertion failed because database is full (database or disk is full)"
        int open = message.lastIndexOf(" (");
        if (message.startsWith("[") && open > 0 && message.endsWith(")")) {
            return message.substring(open + 2, message.length() - 1);
        }
        return message;
    }

    private static Connection open(Path file) {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.enforceForeignKeys(true);
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        // else the driver matches every statement against a pattern and, after an INSERT, prepares
        // and runs its own SELECT last_insert_rowid() for getGeneratedKeys(), which nothing calls:
        // an eighth of a web turn's SQLite time; the ids needed are asked for where they are
        config.setGetGeneratedKeys(false);
        try {
            // the driver directly: DriverManager does not see drivers inside OSGi
            return config.createConnection("jdbc:sqlite:" + file);
        } catch (SQLException e) {
            throw new StoreException("cannot open the conversation memory " + file + ": " + reason(e), e);
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
}
