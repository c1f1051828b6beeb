package org.openpista.memory.sqlite.internal;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.openpista.api.channel.InboundMessage;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.config.ConfigurationLoader;
import org.openpista.api.doctor.DoctorCheck;
import org.openpista.api.memory.ConversationStore;
import org.openpista.api.memory.QueuedMessage;
import org.openpista.api.memory.SessionInfo;
import org.openpista.api.memory.StoreException;
import org.openpista.api.memory.TurnQueue;
import org.openpista.api.memory.UsageLedger;
import org.openpista.api.memory.UsageRecord;
import org.openpista.api.settings.SettingsSection;
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

/**
 * Conversation memory in one SQLite file ({@code [database]} of config.toml): sessions, their
 * messages, and the queue of messages waiting for their turn, which several processes may share.
 * A file that must not be opened (a directory, not SQLite, damaged, another application's, a
 * newer openpista's) fails the activation at once, with one line naming the file and what is
 * wrong: that message is the activation failure Declarative Services reports, and the file is
 * left as it was.
 */
@SettingsSection(value = "database", pid = SqliteConversationStore.PID)
@Component(
        service = {ConversationStore.class, TurnQueue.class, UsageLedger.class, DoctorCheck.class},
        configurationPid = SqliteConversationStore.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = DoctorCheck.ORDER + ":Integer=70",
        immediate = true)
@Designate(ocd = SqliteConversationStore.Config.class)
public final class SqliteConversationStore implements ConversationStore, TurnQueue, UsageLedger, DoctorCheck {

    /** The configuration PID, filled from {@code [database]} in {@code config.toml}. */
    static final String PID = "org.openpista.memory.sqlite";

    private static final Logger LOG = LoggerFactory.getLogger(SqliteConversationStore.class);

    /** The {@code [database]} table. */
    @ObjectClassDefinition(
            name = "Conversation memory",
            description = "The SQLite file holding sessions, their messages and the messages waiting for their turn.")
    public @interface Config {
        @AttributeDefinition(
                name = "Database",
                description = "The database file, as a path or a sqlite: URL (sqlite://~/.openpista/memory.db, a query "
                        + "string is ignored); ~ is $HOME, a relative path is relative to the openpista home; "
                        + "empty: memory.db in the openpista home.",
                required = false)
        String url() default "";

        @AttributeDefinition(name = "Path", description = "Synonym of url, read when url is empty.", required = false)
        String path() default "";

        @AttributeDefinition(name = "Media quota", description = "Megabytes the photos and files of all sessions may "
                + "take in media/ beside the database (each stored once, owner-only); beyond it new ones are refused "
                + "with a message until sessions are deleted.", min = "1")
        int media_quota_mb() default 1024;
    }

    /** The media quota of a store opened without configuration. */
    static final long DEFAULT_MEDIA_QUOTA = 1024L * 1024 * 1024;

    private final Database db;
    private final Rows rows;
    private final Owners owners;
    private final Inbox inbox;
    private final UsageRows usage;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Opens the configured file.
     *
     * @param config the {@code [database]} configuration
     * @param context gives the openpista home
     * @throws StoreException naming the file and what is wrong with it
     */
    @Activate
    public SqliteConversationStore(Config config, BundleContext context) {
        this(DatabaseLocation.resolve(config.url(), config.path(), NativeLibrary.copiedInto(ConfigurationLoader.home(context))),
                Math.max(1, config.media_quota_mb()) * 1024L * 1024);
    }

    /**
     * Checks, opens (creating it and its folders when missing) and migrates a database file. Public
     * for tests of other modules that run the real store without a framework; the package is not
     * exported.
     *
     * @param file the database file
     * @throws StoreException naming the file and what is wrong with it
     */
    public SqliteConversationStore(Path file) {
        this(file, DEFAULT_MEDIA_QUOTA);
    }

    /**
     * @param file the database file
     * @param mediaQuotaBytes the most the media files beside it may take
     * @throws StoreException naming the file and what is wrong with it
     */
    SqliteConversationStore(Path file, long mediaQuotaBytes) {
        try {
            this.db = new Database(file);
        } catch (StoreException e) {
            throw alone(e);
        }
        this.rows = new Rows(db, new MediaFiles(db.file().resolveSibling("media"), mediaQuotaBytes));
        Owners registered;
        try {
            registered = new Owners(db);
        } catch (StoreException e) {
            db.close();
            throw alone(e);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        this.owners = registered;
        this.inbox = new Inbox(db, rows, owners);
        this.usage = new UsageRows(db);
        LOG.info("Conversation memory at {} (schema version {})", db.file(), Schema.LATEST);
    }

    /** Leaves the queue to other processes and closes the file; later calls fail with a clear message. */
    @Deactivate
    public void deactivate() {
        if (closed.compareAndSet(false, true)) {
            owners.close();
            db.close();
        }
    }

    /** @return the database file */
    Path file() {
        return db.file();
    }

    /** @return the migrations this instance applied when it opened the file */
    List<Integer> appliedMigrations() {
        return db.appliedMigrations();
    }

    @Override
    public SessionInfo ensureSession(String id, String channel, String conversationKey) {
        requireId(id);
        return db.write("create session '" + id + "' in", () -> {
            rows.ensureSession(id, channel, conversationKey);
            return rows.findSession(id).orElseThrow(() -> new StoreException(
                    "session '" + id + "' vanished from " + db.file() + " while it was created", null));
        });
    }

    @Override
    public Optional<SessionInfo> session(String id) {
        requireId(id);
        return db.read("read session '" + id + "' from", () -> rows.findSession(id));
    }

    @Override
    public List<SessionInfo> sessions(int limit) {
        if (limit <= 0) {
            return List.of();
        }
        return db.read("list the sessions of", () -> rows.sessions(limit));
    }

    @Override
    public void append(String sessionId, ChatMessage message) {
        requireId(sessionId);
        Objects.requireNonNull(message, "message");
        db.write("store a message of session '" + sessionId + "' in", () -> {
            rows.append(sessionId, message);
            return null;
        });
    }

    @Override
    public List<ChatMessage> history(String sessionId) {
        requireId(sessionId);
        // one statement reads one snapshot: messages and their attachments
        List<ChatMessage> stored = db.read("read the history of session '" + sessionId + "' from",
                () -> rows.messages(sessionId));
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
        java.util.Set<String> unused = new java.util.HashSet<>();
        boolean deleted = db.write("delete session '" + sessionId + "' from", () -> {
            java.util.Set<String> media = rows.mediaOf(sessionId);
            java.sql.PreparedStatement delete = db.statement("DELETE FROM sessions WHERE id = ?");
            delete.setString(1, sessionId);
            boolean gone = delete.executeUpdate() > 0;
            for (String sha : media) {
                if (!rows.mediaInUse(sha)) {
                    unused.add(sha);
                }
            }
            return gone;
        });
        // after the commit: a file shared with another session stays
        unused.forEach(rows.media()::delete);
        return deleted;
    }

    @Override
    public QueuedMessage enqueue(String sessionId, InboundMessage message) {
        requireId(sessionId);
        return inbox.enqueue(sessionId, message);
    }

    @Override
    public Start start(long id) {
        return inbox.start(id);
    }

    @Override
    public void finish(long id) {
        inbox.finish(id);
    }

    @Override
    public boolean withdraw(long id) {
        return inbox.withdraw(id);
    }

    @Override
    public List<QueuedMessage> adopt(Collection<String> channels) {
        return inbox.adopt(channels);
    }

    @Override
    public void record(UsageRecord record) {
        Objects.requireNonNull(record, "record");
        db.write("store the token usage of session '" + record.sessionId() + "' in", () -> {
            usage.insert(record);
            return null;
        });
    }

    @Override
    public List<UsageRecord> since(Instant since) {
        return db.read("read the token usage from", () -> usage.since(since));
    }

    @Override
    public String area() {
        return "database";
    }

    /** {@code openpista doctor}: SQLite's {@code quick_check} of the file (the schema is checked on opening). */
    @Override
    public List<CheckResult> check(Options options) {
        try {
            List<String> verdict = db.read("check", usage::quickCheck);
            if (verdict.equals(List.of("ok"))) {
                return List.of(CheckResult.ok(db.file() + " passes SQLite's quick_check (schema " + Schema.LATEST + ")"));
            }
            return List.of(CheckResult.fail(db.file() + " is damaged: " + String.join("; ", verdict.subList(0,
                    Math.min(3, verdict.size()))), "restore a backup, or move the file aside to start afresh "
                            + "(sqlite3 FILE .recover can save what is readable)"));
        } catch (StoreException e) {
            return List.of(CheckResult.fail(e.getMessage(), "check the file and the disk"));
        }
    }

    /**
     * @return the failure without its cause: Declarative Services reports an activation failure
     *     by its innermost cause, and a driver's message ("unable to open database file") would hide
     *     the line that names the file; the cause goes to the log
     */
    private static StoreException alone(StoreException e) {
        if (e.getCause() == null) {
            return e;
        }
        LOG.debug("{}", e.getMessage(), e.getCause());
        return new StoreException(e.getMessage(), null);
    }

    private static void requireId(String id) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("a session id must not be empty");
        }
    }
}
