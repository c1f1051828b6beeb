package org.openpista.channel.web.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.channel.AgentReply;

/**
 * A client that reconnects sends its unanswered message again ({@code "resend": true}): it runs
 * once and its answer arrives once, whether the same version of the channel still runs its turn,
 * answered it while the client was away, or another version (the channel bundle was swapped)
 * took it. Two servers sharing one ledger folder are the old and the new version of the bundle.
 */
class ResumeTest {

    @TempDir
    Path home;

    TestServer old;
    TestServer updated;
    final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void start() throws Exception {
        WebSettings settings = TestServer.settings(TestServer.TOKEN, List.of(), Duration.ofSeconds(120), 1024 * 1024);
        old = new TestServer(settings, new ReplyLedger(home.resolve("web-resume")));
        updated = new TestServer(settings, new ReplyLedger(home.resolve("web-resume")));
        old.gateway.script = turn -> {
            release.await(30, TimeUnit.SECONDS);
            return AgentReply.answer(turn.sessionId, "answer to " + turn.message.text());
        };
    }

    @AfterEach
    void stop() {
        release.countDown();
        old.close();
        updated.close();
    }

    static void sendAgain(WsClient client, String text, String messageId) {
        client.send(Frames.frame("message").put("content", text).put("message_id", messageId).put("resend", true));
    }

    /** Frames of these types the client got within the time. */
    static List<JsonNode> collect(WsClient client, Duration wait, String... types) throws InterruptedException {
        List<String> wanted = List.of(types);
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            client.poll(Duration.ofMillis(100));
        }
        return client.seen().stream().filter(frame -> wanted.contains(frame.path("type").asText())).toList();
    }

    @Test
    void aTurnStillRunningInTheOldVersionIsAnsweredOnceThroughTheNewOne() throws Exception {
        try (WsClient client = old.client("ada")) {
            client.send(Frames.frame("message").put("content", "q1").put("message_id", "m1"));
            client.next("message_ack");
        }
        old.hub.close(); // the bundle stops: its sockets close, its turn goes on in the agent
        try (WsClient client = updated.client("ada")) {
            sendAgain(client, "q1", "m1");
            JsonNode ack = client.next("message_ack");
            assertThat(ack.path("duplicate").asBoolean()).isTrue();
            release.countDown();
            JsonNode response = client.next("response");
            assertThat(response.path("content").asText()).isEqualTo("answer to q1");
            assertThat(response.path("message_id").asText()).isEqualTo("m1");
            assertThat(response.path("replayed").asBoolean()).isTrue();
            assertThat(collect(client, Duration.ofSeconds(1), "response")).hasSize(1);
        }
        assertThat(updated.gateway.turns).as("the message is not run again").isEmpty();
        assertThat(old.gateway.turns).hasSize(1);
    }

    @Test
    void anAnswerGivenWhileTheClientWasAwayIsReplayedOnce() throws Exception {
        release.countDown();
        try (WsClient client = old.client("ada")) {
            client.send(Frames.frame("message").put("content", "q1").put("message_id", "m1"));
            client.next("message_ack");
        }
        old.gateway.turns.get(0).done.get(10, TimeUnit.SECONDS);
        old.hub.close();
        try (WsClient client = updated.client("ada")) {
            sendAgain(client, "q1", "m1");
            assertThat(client.next("response").path("content").asText()).isEqualTo("answer to q1");
            assertThat(collect(client, Duration.ofSeconds(1), "response")).hasSize(1);
        }
        assertThat(updated.gateway.turns).isEmpty();
    }

    @Test
    void aMessageNoVersionTookIsSubmittedWhenSentAgain() throws Exception {
        try (WsClient client = updated.client("ada")) {
            sendAgain(client, "q2", "m2");
            JsonNode ack = client.next("message_ack");
            assertThat(ack.path("duplicate").isMissingNode()).isTrue();
            assertThat(client.next("response").path("content").asText()).isEqualTo("echo: q2");
        }
        assertThat(updated.gateway.turns).hasSize(1);
    }

    @Test
    void withinOneVersionAReconnectDuringTheTurnGetsItsAnswerOnce() throws Exception {
        try (WsClient first = old.client("ada")) {
            first.send(Frames.frame("message").put("content", "q3").put("message_id", "m3"));
            first.next("message_ack");
        }
        try (WsClient again = old.client("ada")) {
            sendAgain(again, "q3", "m3");
            assertThat(again.next("message_ack").path("duplicate").asBoolean()).isTrue();
            release.countDown();
            assertThat(again.next("response").path("content").asText()).isEqualTo("answer to q3");
            assertThat(collect(again, Duration.ofSeconds(1), "response")).hasSize(1);
            // sent once more on the same connection, which had the answer: acknowledged, not answered again
            sendAgain(again, "q3", "m3");
            assertThat(again.next("message_ack").path("duplicate").asBoolean()).isTrue();
            assertThat(collect(again, Duration.ofSeconds(1), "response")).as("already delivered here").hasSize(1);
        }
        try (WsClient third = old.client("ada")) {
            sendAgain(third, "q3", "m3");
            assertThat(third.next("response").path("replayed").asBoolean()).isTrue();
        }
        assertThat(old.gateway.turns).hasSize(1);
    }

    @Test
    void theLedgerKeepsOneOwnerOnlyFilePerMessage() throws Exception {
        ReplyLedger ledger = new ReplyLedger(home.resolve("ledger"));
        ledger.taken("web:ada", "m1");
        assertThat(ledger.find("web:ada", "m1")).get().extracting(ReplyLedger.Entry::answered).isEqualTo(false);
        assertThat(ledger.find("web:bob", "m1")).isEmpty();
        ledger.answered("web:ada", "m1", Frames.frame("response").put("content", "hi"));
        assertThat(ledger.find("web:ada", "m1").orElseThrow().answer().path("content").asText()).isEqualTo("hi");
        assertThat(Files.getPosixFilePermissions(home.resolve("ledger"))).containsExactlyInAnyOrder(
                PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);
        ledger.forget("web:ada", "m1");
        assertThat(ledger.find("web:ada", "m1")).isEmpty();
        ledger.taken("web:ada", "fresh");
        ledger.taken("web:ada", "stale");
        try (var entries = Files.list(home.resolve("ledger"))) {
            for (Path entry : entries.toList()) {
                if (ledger.find("web:ada", "stale").isPresent() && Files.readString(entry).contains("stale")) {
                    Files.setLastModifiedTime(entry, FileTime.from(Instant.now().minus(Duration.ofDays(2))));
                }
            }
        }
        assertThat(ledger.sweep()).isEqualTo(1);
        assertThat(ledger.find("web:ada", "stale")).isEmpty();
        assertThat(ledger.find("web:ada", "fresh")).isPresent();
    }

    @Test
    void withoutAFolderNothingIsKept() {
        ReplyLedger ledger = new ReplyLedger(null);
        ledger.taken("web:ada", "m1");
        assertThat(ledger.find("web:ada", "m1")).isEmpty();
    }
}
