package org.openpista.memory.sqlite.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.openpista.api.memory.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processes using the file, so that what a dead one left behind (queued messages, a session
 * held by its running turn) is noticed and never blocks anybody. Each store registers a row with
 * its process id, the machine (boot id and pid namespace, on Linux) and the process's start time,
 * and renews a heartbeat every {@link #HEARTBEAT}. A row of this machine is alive while its
 * process runs, so a process killed here is seen as gone at once (a pid reused since has another
 * start time) and a late heartbeat (a long pause, a machine that slept) is no death; a row of
 * another machine (another container on a shared volume) is alive while its heartbeat is younger
 * than {@link #SILENCE}. A missing row is a gone owner: a store that closes deletes its own.
 */
final class Owners implements AutoCloseable {

    /** How often a store renews its row. */
    static final Duration HEARTBEAT = Duration.ofSeconds(5);
    /** How long a row without heartbeat counts as alive. */
    static final Duration SILENCE = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(Owners.class);

    /**
     * Where a process runs.
     *
     * @param pid its process id
     * @param machine the boot and pid namespace it runs in, {@code null} when unknown
     * @param startedAt when it started, epoch milliseconds, 0 when unknown
     */
    record ProcessId(long pid, String machine, long startedAt) {

        static ProcessId current() {
            ProcessHandle self = ProcessHandle.current();
            return new ProcessId(self.pid(), currentMachine(),
                    self.info().startInstant().map(Instant::toEpochMilli).orElse(0L));
        }

        /** @return the boot and pid namespace: processes with the same one see each other's pids */
        private static String currentMachine() {
            try {
                String boot = Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip();
                String namespace = Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString();
                return boot.isEmpty() ? null : boot + "/" + namespace;
            } catch (IOException | UnsupportedOperationException | SecurityException e) {
                return null;
            }
        }
    }

    private record Row(ProcessId process, long heartbeatAt) {}

    private final Database db;
    private final String id = UUID.randomUUID().toString();
    private final ProcessId self = ProcessId.current();
    private final ScheduledExecutorService timer;

    /** Registers this store and starts its heartbeat. */
    Owners(Database db) {
        this.db = db;
        db.write("register this process in", () -> {
            upsert();
            forgetGoneWithoutEntries();
            return null;
        });
        timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "openpista-memory-heartbeat");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::beat, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** @return this store's owner id */
    String id() {
        return id;
    }

    /**
     * @param ids owner ids
     * @return those that are alive; only inside a transaction of {@link Database}
     */
    Set<String> alive(Collection<String> ids) throws SQLException {
        Set<String> alive = new HashSet<>();
        Map<String, Row> rows = rows();
        long now = System.currentTimeMillis();
        for (String owner : ids) {
            if (owner.equals(id) || isAlive(rows.get(owner), now)) {
                alive.add(owner);
            }
        }
        return alive;
    }

    /** Stops the heartbeat and deletes this store's row, so its leftovers can be adopted at once. */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            db.write("unregister this process from", () -> {
                PreparedStatement delete = db.statement("DELETE FROM owners WHERE id = ?");
                delete.setString(1, id);
                delete.executeUpdate();
                return null;
            });
        } catch (StoreException e) {
            LOG.warn("{}; other processes will notice the end of this one without it", e.getMessage());
        }
    }

    private boolean isAlive(Row row, long now) {
        if (row == null) {
            return false;
        }
        ProcessId process = row.process();
        if (self.machine() == null || !self.machine().equals(process.machine())) {
            return now - row.heartbeatAt() <= SILENCE.toMillis();
        }
        // here the process table knows for sure; a heartbeat could be late without the process
        // being gone (a long pause, a machine that slept)
        Optional<ProcessHandle> handle = ProcessHandle.of(process.pid());
        if (handle.isEmpty() || !handle.get().isAlive()) {
            return false;
        }
        Optional<Instant> started = handle.get().info().startInstant();
        // another process with the same pid started later (the kernel reuses pids)
        return process.startedAt() == 0 || started.isEmpty()
                || Math.abs(started.get().toEpochMilli() - process.startedAt()) <= 1000;
    }

    private Map<String, Row> rows() throws SQLException {
        Map<String, Row> rows = new HashMap<>();
        try (ResultSet result = db.statement("SELECT id, pid, machine, started_at, heartbeat_at FROM owners")
                .executeQuery()) {
            while (result.next()) {
                rows.put(result.getString(1), new Row(
                        new ProcessId(result.getLong(2), result.getString(3), result.getLong(4)), result.getLong(5)));
            }
        }
        return rows;
    }

    private void beat() {
        try {
            db.write("record the heartbeat of this process in", () -> {
                PreparedStatement update = db.statement("UPDATE owners SET heartbeat_at = ? WHERE id = ?");
                update.setLong(1, System.currentTimeMillis());
                update.setString(2, id);
                if (update.executeUpdate() == 0) {
                    // another process took this one for gone (its heartbeat was late) and may have adopted its entries
                    LOG.warn("Another openpista process took this one for ended; registering again");
                    upsert();
                }
                return null;
            });
        } catch (StoreException e) {
            LOG.warn("{}", e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("The heartbeat of the conversation memory failed", e);
        }
    }

    private void upsert() throws SQLException {
        PreparedStatement insert = db.statement("INSERT INTO owners (id, pid, machine, started_at, heartbeat_at) "
                + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at");
        insert.setString(1, id);
        insert.setLong(2, self.pid());
        insert.setString(3, self.machine());
        insert.setLong(4, self.startedAt());
        insert.setLong(5, System.currentTimeMillis());
        insert.executeUpdate();
    }

    /** Deletes the rows of gone processes that left nothing behind; those with entries go once adopted. */
    void forgetGoneWithoutEntries() throws SQLException {
        Map<String, Row> rows = rows();
        long now = System.currentTimeMillis();
        PreparedStatement delete = db.statement(
                "DELETE FROM owners WHERE id = ? AND NOT EXISTS (SELECT 1 FROM inbox WHERE owner = owners.id)");
        for (Map.Entry<String, Row> row : rows.entrySet()) {
            if (!row.getKey().equals(id) && !isAlive(row.getValue(), now)) {
                delete.setString(1, row.getKey());
                delete.executeUpdate();
            }
        }
    }
}
