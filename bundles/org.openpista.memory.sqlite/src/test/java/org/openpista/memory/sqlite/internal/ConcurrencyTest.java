package org.openpista.memory.sqlite.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.memory.SessionInfo;

/** Many writers at once: nothing lost, {@code seq} strictly increasing, per-writer order kept. */
class ConcurrencyTest {

    private static final int THREADS = 8;
    private static final int PER_THREAD = 150;

    @TempDir
    Path dir;

    @Test
    void parallelAppendsToDifferentSessionsAndToOneSessionLoseNothing() throws Exception {
        Path file = dir.resolve("memory.db");
        SqliteConversationStore store = new SqliteConversationStore(file);
        try {
            store.ensureSession("shared", "web", "web:shared");
            for (int t = 0; t < THREADS; t++) {
                store.ensureSession("own-" + t, "web", "web:" + t);
            }
            List<Callable<Void>> writers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                writers.add(() -> {
                    for (int i = 0; i < PER_THREAD; i++) {
                        store.append("own-" + thread, ChatMessage.user("own " + thread + " " + i));
                        store.append("shared", ChatMessage.user("shared " + thread + " " + i));
                    }
                    return null;
                });
            }
            runTogether(writers);

            for (int t = 0; t < THREADS; t++) {
                List<String> own = store.history("own-" + t).stream().map(ChatMessage::content).toList();
                List<String> expected = new ArrayList<>();
                for (int i = 0; i < PER_THREAD; i++) {
                    expected.add("own " + t + " " + i);
                }
                assertThat(own).containsExactlyElementsOf(expected);
            }
            List<ChatMessage> shared = store.history("shared");
            assertThat(shared).hasSize(THREADS * PER_THREAD);
            assertEachWriterInOrder(shared);
        } finally {
            store.deactivate();
        }
        assertSeqIsOneToN(file, "shared", THREADS * PER_THREAD);
        assertSeqIsOneToN(file, "own-3", PER_THREAD);
    }

    @Test
    void twoStoresOnOneFileShareASessionLikeDaemonAndCli() throws Exception {
        Path file = dir.resolve("memory.db");
        SqliteConversationStore daemon = new SqliteConversationStore(file);
        SqliteConversationStore cli = new SqliteConversationStore(file);
        try {
            daemon.ensureSession("s", "cli", "cli:s");
            List<Callable<Void>> writers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                SqliteConversationStore store = t % 2 == 0 ? daemon : cli;
                int thread = t;
                writers.add(() -> {
                    for (int i = 0; i < PER_THREAD / 3; i++) {
                        store.append("s", ChatMessage.user("shared " + thread + " " + i));
                    }
                    return null;
                });
            }
            runTogether(writers);

            List<ChatMessage> seenByCli = cli.history("s");
            assertThat(seenByCli).hasSize(THREADS * (PER_THREAD / 3));
            assertThat(daemon.history("s")).isEqualTo(seenByCli);
            assertEachWriterInOrder(seenByCli);
        } finally {
            daemon.deactivate();
            cli.deactivate();
        }
        assertSeqIsOneToN(file, "s", THREADS * (PER_THREAD / 3));
    }

    @Test
    void concurrentEnsureSessionCreatesOneSession() throws Exception {
        Path file = dir.resolve("memory.db");
        SqliteConversationStore store = new SqliteConversationStore(file);
        List<SessionInfo> results = java.util.Collections.synchronizedList(new ArrayList<>());
        try {
            List<Callable<Void>> callers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                callers.add(() -> {
                    results.add(store.ensureSession("same", "ch" + thread, "key"));
                    return null;
                });
            }
            runTogether(callers);
        } finally {
            store.deactivate();
        }
        assertThat(results).hasSize(THREADS);
        assertThat(results.stream().distinct()).hasSize(1);
        assertThat(TestDatabases.queryLong(file, "SELECT COUNT(*) FROM sessions")).isEqualTo(1);
    }

    /** Messages are "shared T I": for each writer T, I must run 0, 1, 2, … in history order. */
    private static void assertEachWriterInOrder(List<ChatMessage> messages) {
        Map<String, Integer> next = new HashMap<>();
        for (ChatMessage message : messages) {
            String[] parts = message.content().split(" ");
            int expected = next.getOrDefault(parts[1], 0);
            assertThat(Integer.parseInt(parts[2])).as("order of writer %s", parts[1]).isEqualTo(expected);
            next.put(parts[1], expected + 1);
        }
    }

    private static void assertSeqIsOneToN(Path file, String session, int n) throws SQLException {
        List<Long> seqs = new ArrayList<>();
        try (Connection connection = TestDatabases.raw(file);
                PreparedStatement select = connection.prepareStatement(
                        "SELECT seq FROM messages WHERE session_id = ? ORDER BY id")) {
            select.setString(1, session);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    seqs.add(rows.getLong(1));
                }
            }
        }
        assertThat(seqs).hasSize(n);
        for (int i = 0; i < n; i++) {
            assertThat(seqs.get(i)).as("seq of message %d in insertion order", i).isEqualTo(i + 1L);
        }
    }

    private static void runTogether(List<Callable<Void>> tasks) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        try {
            List<Future<Void>> futures = new ArrayList<>();
            for (Callable<Void> task : tasks) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return task.call();
                }));
            }
            start.countDown();
            for (Future<Void> future : futures) {
                // a generous bound so a deadlock fails the test instead of hanging the build
                future.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
