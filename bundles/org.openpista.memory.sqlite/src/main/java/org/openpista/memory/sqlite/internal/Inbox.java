package org.openpista.memory.sqlite.internal;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.openpista.api.channel.InboundMessage;
import org.openpista.api.chat.Attachment;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.memory.QueuedMessage;
import org.openpista.api.memory.TurnQueue;

/**
 * The {@link TurnQueue} in the {@code inbox} table. An entry is {@code queued} until its turn
 * starts, then {@code running} until it is finished (deleted); a running entry of a live owner is
 * the session's lease. Every decision is taken inside one {@code BEGIN IMMEDIATE} transaction, so
 * two processes deciding at once see each other's entries.
 */
final class Inbox {

    private static final String COLUMNS = "SELECT id, session_id, owner, state, channel, conversation_key, sender_id, "
            + "content, metadata, queued_at FROM inbox ";

    private final Database db;
    private final Rows rows;
    private final Owners owners;

    Inbox(Database db, Rows rows, Owners owners) {
        this.db = db;
        this.rows = rows;
        this.owners = owners;
    }

    QueuedMessage enqueue(String sessionId, InboundMessage message) {
        Objects.requireNonNull(message, "message");
        String metadata = db.codec().encodeMetadata(message.metadata());
        return db.write("queue a message of session '" + sessionId + "' in", () -> {
            Instant now = db.stamp();
            PreparedStatement insert = db.statement("INSERT INTO inbox (session_id, owner, state, channel, "
                    + "conversation_key, sender_id, content, metadata, queued_at) VALUES (?, ?, 'queued', ?, ?, ?, ?, ?, ?) "
                    + "RETURNING id");
            insert.setString(1, sessionId);
            insert.setString(2, owners.id());
            insert.setString(3, message.channel());
            insert.setString(4, message.conversationKey());
            insert.setString(5, message.senderId());
            insert.setString(6, message.text());
            insert.setString(7, metadata);
            insert.setString(8, Codec.formatInstant(now));
            long id;
            // the new id with the insert, not by a statement of its own
            try (ResultSet key = insert.executeQuery()) {
                key.next();
                id = key.getLong(1);
            }
            rows.insertAttachments("inbox_attachments", "entry_id", id, message.attachments());
            return new QueuedMessage(id, sessionId, message, now, false);
        });
    }

    TurnQueue.Start start(long id) {
        return db.write("start the turn of queued message " + id + " in", () -> {
            // only what starting needs: no metadata to decode, no queue time to parse
            PreparedStatement select = db.statement("SELECT session_id, owner, state, channel, conversation_key, "
                    + "content FROM inbox WHERE id = ?");
            select.setLong(1, id);
            String sessionId;
            String channel;
            String conversationKey;
            String text;
            try (ResultSet row = select.executeQuery()) {
                if (!row.next() || !row.getString(2).equals(owners.id()) || !row.getString(3).equals("queued")) {
                    return TurnQueue.Start.GONE;
                }
                sessionId = row.getString(1);
                channel = row.getString(4);
                conversationKey = row.getString(5);
                text = row.getString(6);
            }
            if (othersAhead(id, sessionId)) {
                return TurnQueue.Start.WAIT;
            }
            rows.appendCreating(sessionId, channel, conversationKey,
                    ChatMessage.user(text).withAttachments(attachments(id)));
            PreparedStatement mark = db.statement("UPDATE inbox SET state = 'running' WHERE id = ?");
            mark.setLong(1, id);
            mark.executeUpdate();
            return TurnQueue.Start.STARTED;
        });
    }

    void finish(long id) {
        db.write("finish queued message " + id + " in", () -> delete(id, false));
    }

    boolean withdraw(long id) {
        return db.write("withdraw queued message " + id + " from", () -> delete(id, true));
    }

    List<QueuedMessage> adopt(Collection<String> channels) {
        if (channels.isEmpty()
                || db.read("look for messages other processes left in", () -> candidates(channels)).isEmpty()) {
            // the common case, every few seconds: answered by a read, without taking the write lock
            return List.of();
        }
        return db.write("adopt the messages other processes left in", () -> {
            List<Candidate> candidates = candidates(channels);
            if (candidates.isEmpty()) {
                return List.<QueuedMessage>of();
            }
            Set<String> alive = owners.alive(candidates.stream().map(Candidate::owner).toList());
            List<Long> ids = new ArrayList<>();
            PreparedStatement take = db.statement("UPDATE inbox SET owner = ? WHERE id = ?");
            for (Candidate candidate : candidates) {
                if (!alive.contains(candidate.owner())) {
                    take.setString(1, owners.id());
                    take.setLong(2, candidate.id());
                    take.executeUpdate();
                    ids.add(candidate.id());
                }
            }
            owners.forgetGoneWithoutEntries();
            List<QueuedMessage> adopted = new ArrayList<>();
            for (long id : ids) {
                adopted.add(load(id));
            }
            return List.copyOf(adopted);
        });
    }

    /** An entry of another process that may be left behind. */
    private record Candidate(long id, String owner) {}

    /** @return the entries of other processes for these channels, oldest first */
    private List<Candidate> candidates(Collection<String> channels) throws SQLException {
        PreparedStatement select = db.statement("SELECT id, owner, channel FROM inbox WHERE owner <> ? ORDER BY id");
        select.setString(1, owners.id());
        List<Candidate> candidates = new ArrayList<>();
        try (ResultSet row = select.executeQuery()) {
            while (row.next()) {
                if (channels.contains(row.getString(3))) {
                    candidates.add(new Candidate(row.getLong(1), row.getString(2)));
                }
            }
        }
        return candidates;
    }

    /** @return whether a live other process runs a turn of the session, or has an older entry waiting for it */
    private boolean othersAhead(long id, String sessionId) throws SQLException {
        PreparedStatement select = db.statement("SELECT owner FROM inbox WHERE session_id = ? AND owner <> ? "
                + "AND (state = 'running' OR id < ?)");
        select.setString(1, sessionId);
        select.setString(2, owners.id());
        select.setLong(3, id);
        Set<String> others = new HashSet<>();
        try (ResultSet row = select.executeQuery()) {
            while (row.next()) {
                others.add(row.getString(1));
            }
        }
        return !others.isEmpty() && !owners.alive(others).isEmpty();
    }

    private boolean delete(long id, boolean onlyQueued) throws SQLException {
        PreparedStatement delete = db.statement(onlyQueued
                ? "DELETE FROM inbox WHERE id = ? AND owner = ? AND state = 'queued'"
                : "DELETE FROM inbox WHERE id = ? AND owner = ?");
        delete.setLong(1, id);
        delete.setString(2, owners.id());
        return delete.executeUpdate() > 0;
    }

    private QueuedMessage load(long id) throws SQLException {
        PreparedStatement select = db.statement(COLUMNS + "WHERE id = ?");
        select.setLong(1, id);
        try (ResultSet row = select.executeQuery()) {
            row.next();
            return entry(row, attachments(id));
        }
    }

    private QueuedMessage entry(ResultSet row, List<Attachment> attachments) throws SQLException {
        Map<String, String> metadata = db.codec().decodeMetadata(row.getString(9));
        InboundMessage message = new InboundMessage(row.getString(5), row.getString(6), row.getString(2),
                row.getString(7), row.getString(8), attachments, metadata);
        return new QueuedMessage(row.getLong(1), row.getString(2), message, Codec.parseInstant(row.getString(10)),
                row.getString(4).equals("running"));
    }

    private List<Attachment> attachments(long id) throws SQLException {
        PreparedStatement select = db.statement(
                "SELECT mime_type, name, data, sha256 FROM inbox_attachments WHERE entry_id = ? ORDER BY position");
        select.setLong(1, id);
        List<Attachment> attachments = new ArrayList<>();
        try (ResultSet row = select.executeQuery()) {
            while (row.next()) {
                Attachment attachment = rows.attachment(row.getString(1), row.getString(2), row.getBytes(3), row.getString(4));
                if (attachment != null) {
                    attachments.add(attachment);
                }
            }
        }
        return attachments;
    }
}
