package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.runtime.DistributionProcess.Result;
import org.openpista.testkit.FakeOpenAiServer;
import org.openpista.testkit.FakeReply;
import org.openpista.testkit.RecordedRequest;

/**
 * Two {@code openpista run -e -s same} at once, two real processes on one memory.db (issue 13
 * item 11): the second waits for the first's turn instead of interleaving with it, and a process
 * killed with -9 in the middle of its turn does not hold the session.
 */
class SharedSessionIT {

    @TempDir
    Path home;

    FakeOpenAiServer fake;
    final List<Process> started = new ArrayList<>();

    @AfterEach
    void stop() {
        for (Process process : started) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        if (fake != null) {
            fake.close();
        }
    }

    @Test
    void twoRunsOnOneSessionAtOnceTakeTurns() throws Exception {
        fake = new FakeOpenAiServer();
        ShellTurn.writeConfig(home, fake);
        CountDownLatch firstAsked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        fake.fallback(request -> {
            String last = lastUserText(request);
            if (last.equals("a")) {
                firstAsked.countDown();
                awaitLatch(release);
            }
            return FakeReply.text("answer " + last);
        });

        CompletableFuture<Result> first = runAsync("run", "-s", "same", "-e", "a");
        assertThat(firstAsked.await(90, TimeUnit.SECONDS)).as("the first run asks the model").isTrue();
        CompletableFuture<Result> second = runAsync("run", "-s", "same", "-e", "b");
        // the second run has stored its message and waits for the session
        awaitTrue(() -> query("SELECT content FROM inbox WHERE state = 'queued'").contains("b"));
        assertThat(fake.requests()).hasSize(1);
        release.countDown();

        Result a = first.get(90, TimeUnit.SECONDS);
        Result b = second.get(90, TimeUnit.SECONDS);
        assertThat(a.exitCode()).as(a.toString()).isZero();
        assertThat(b.exitCode()).as(b.toString()).isZero();
        assertThat(a.stdout()).isEqualTo("answer a\n");
        assertThat(b.stdout()).isEqualTo("answer b\n");
        assertThat(query("SELECT role || ': ' || content FROM messages WHERE session_id = 'same' ORDER BY seq"))
                .containsExactly("user: a", "assistant: answer a", "user: b", "assistant: answer b");
        assertThat(fake.requests().get(1).body()).contains("answer a");
        assertThat(query("SELECT COUNT(*) FROM inbox")).containsExactly("0");
    }

    @Test
    void aRunKilledInItsTurnDoesNotHoldTheSession() throws Exception {
        fake = new FakeOpenAiServer();
        ShellTurn.writeConfig(home, fake);
        CountDownLatch firstAsked = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        fake.fallback(request -> {
            String last = lastUserText(request);
            if (last.equals("a")) {
                firstAsked.countDown();
                awaitLatch(never);
            }
            return FakeReply.text("answer " + last);
        });
        try {
            Process killed = start("run", "-s", "same", "-e", "a");
            assertThat(firstAsked.await(90, TimeUnit.SECONDS)).as("the first run asks the model").isTrue();

            killed.descendants().forEach(ProcessHandle::destroyForcibly);
            killed.destroyForcibly(); // SIGKILL: its turn stays marked as running in memory.db
            assertThat(killed.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(query("SELECT content || ':' || state FROM inbox")).containsExactly("a:running");
            Result next = DistributionProcess.run(home, Map.of(), "run", "-s", "same", "-e", "b");

            assertThat(next.exitCode()).as(next.toString()).isZero();
            assertThat(next.stdout()).isEqualTo("answer b\n");
            assertThat(query("SELECT role || ': ' || content FROM messages WHERE session_id = 'same' ORDER BY seq"))
                    .containsExactly("user: a", "user: b", "assistant: answer b");
        } finally {
            never.countDown();
        }
    }

    private CompletableFuture<Result> runAsync(String... args) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return DistributionProcess.run(home, Map.of(), null, Duration.ofSeconds(120), args);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
    }

    private Process start(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(DistributionProcess.dist().resolve("bin/openpista").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        DistributionProcess.clean(builder.environment());
        builder.environment().put("OPENPISTA_HOME", home.toString());
        Process process = builder.start();
        started.add(process);
        return process;
    }

    /** @return the text of the last user message of a chat request */
    private static String lastUserText(RecordedRequest request) {
        JsonNode messages = request.json().path("messages");
        for (int i = messages.size() - 1; i >= 0; i--) {
            JsonNode message = messages.get(i);
            if (message.path("role").asText().equals("user")) {
                JsonNode content = message.path("content");
                return content.isArray() ? content.path(0).path("text").asText() : content.asText();
            }
        }
        return "";
    }

    private List<String> query(String sql) {
        List<String> rows = new ArrayList<>();
        try (Connection db = new org.sqlite.JDBC().connect("jdbc:sqlite:" + home.resolve("memory.db"), new Properties());
                Statement statement = db.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            while (result.next()) {
                rows.add(result.getString(1));
            }
        } catch (java.sql.SQLException e) {
            // not created yet, or busy for a moment: nothing to see yet
            return List.of();
        }
        return rows;
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the condition did not become true within 90 s");
            }
            Thread.sleep(50);
        }
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            latch.await(120, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
