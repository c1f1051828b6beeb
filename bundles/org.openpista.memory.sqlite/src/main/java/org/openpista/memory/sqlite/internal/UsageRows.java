package org.openpista.memory.sqlite.internal;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.openpista.api.llm.Usage;
import org.openpista.api.memory.UsageRecord;

/** The SQL of the {@code usage} table (schema 4), inside a transaction of {@link Database}. */
final class UsageRows {

    private final Database db;

    UsageRows(Database db) {
        this.db = db;
    }

    /** Stores one record; a session that is gone (deleted meanwhile) keeps no usage. */
    void insert(UsageRecord record) throws SQLException {
        PreparedStatement insert = db.statement("INSERT INTO usage (session_id, turn_id, channel, provider, model, "
                + "input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, at_millis) "
                + "SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM sessions WHERE id = ?)");
        Usage usage = record.usage();
        insert.setString(1, record.sessionId());
        insert.setString(2, record.turnId());
        insert.setString(3, record.channel());
        insert.setString(4, record.provider());
        insert.setString(5, record.model());
        insert.setLong(6, usage.inputTokens());
        insert.setLong(7, usage.outputTokens());
        insert.setLong(8, usage.cacheReadTokens());
        insert.setLong(9, usage.cacheWriteTokens());
        insert.setLong(10, record.at().toEpochMilli());
        insert.setString(11, record.sessionId());
        insert.executeUpdate();
    }

    List<UsageRecord> since(Instant since) throws SQLException {
        PreparedStatement query = db.statement("SELECT at_millis, turn_id, session_id, channel, provider, model, "
                + "input_tokens, output_tokens, cache_read_tokens, cache_write_tokens FROM usage WHERE at_millis >= ? "
                + "ORDER BY at_millis, id");
        query.setLong(1, since.toEpochMilli());
        List<UsageRecord> records = new ArrayList<>();
        try (ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                records.add(new UsageRecord(Instant.ofEpochMilli(rows.getLong(1)), rows.getString(2), rows.getString(3),
                        rows.getString(4), rows.getString(5), rows.getString(6),
                        new Usage(rows.getLong(7), rows.getLong(8), rows.getLong(9), rows.getLong(10))));
            }
        }
        return records;
    }

    /** @return SQLite's {@code quick_check} verdict: {@code ok}, or the problems it found */
    List<String> quickCheck() throws SQLException {
        List<String> problems = new ArrayList<>();
        try (java.sql.Statement statement = db.connection().createStatement();
                ResultSet rows = statement.executeQuery("PRAGMA quick_check")) {
            while (rows.next()) {
                problems.add(rows.getString(1));
            }
        }
        return problems;
    }
}
