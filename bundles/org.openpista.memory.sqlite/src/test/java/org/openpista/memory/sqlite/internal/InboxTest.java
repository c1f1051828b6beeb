package org.openpista.memory.sqlite.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.channel.InboundMessage;
import org.openpista.api.chat.Attachment;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.chat.Role;
import org.openpista.api.memory.QueuedMessage;
import org.openpista.api.memory.SessionInfo;
import org.openpista.api.memory.TurnQueue.Start;

/**
 * The queue of messages waiting for their turn, with two stores on one file standing for two
 * processes (each store is its own owner, as each process is).
 */
class InboxTest {

    @TempDir
    Path dir;

    SqliteConversationStore daemon;
    SqliteConversationStore cli;

    @BeforeEach
    void open() {
        daemon = new SqliteConversationStore(dir.resolve("memory.db"));
        cli = new SqliteConversationStore(dir.resolve("memory.db"));
    }

    @AfterEach
    void close() {
        daemon.deactivate();
        cli.deactivate();
    }

    static InboundMessage web(String text) {
        return new InboundMessage("web", "web:client-1", null, "client-1", text, List.of(),
                Map.of("client_id", "client-1", "message_id", "m-" + text));
    }

    @Test
    void aQueuedMessageIsStoredBeforeItsTurnAndMovesIntoTheSessionWhenItStarts() throws Exception {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G'};
        InboundMessage message = new InboundMessage("web", "web:client-1", null, "client-1", "look at this",
                List.of(new Attachment("image/png", "a.png", png)), Map.of("message_id", "7"));

        QueuedMessage queued = daemon.enqueue("s", message);

        assertThat(TestDatabases.queryLong(dir.resolve("memory.db"), "SELECT COUNT(*) FROM inbox")).isEqualTo(1);
        assertThat(daemon.history("s")).isEmpty();
        assertThat(daemon.start(queued.id())).isEqualTo(Start.STARTED);
        List<ChatMessage> history = daemon.history("s");
        assertThat(history).singleElement().satisfies(user -> {
            assertThat(user.role()).isEqualTo(Role.USER);
            assertThat(user.content()).isEqualTo("look at this");
            assertThat(user.attachments()).singleElement().satisfies(a -> assertThat(a.data()).isEqualTo(png));
        });
        assertThat(daemon.session("s").orElseThrow().channel()).isEqualTo("web");
        assertThat(daemon.start(queued.id())).as("started once").isEqualTo(Start.GONE);

        daemon.finish(queued.id());
        assertThat(TestDatabases.queryLong(dir.resolve("memory.db"), "SELECT COUNT(*) FROM inbox")).isZero();
    }

    @Test
    void aTurnOfASessionThatExistsTouchesItAndKeepsItsCreationAndChannel() {
        SessionInfo created = daemon.ensureSession("s", "telegram", "telegram:42");
        QueuedMessage first = daemon.enqueue("s", web("first"));
        assertThat(daemon.start(first.id())).isEqualTo(Start.STARTED);
        daemon.finish(first.id());
        SessionInfo afterFirst = daemon.session("s").orElseThrow();
        QueuedMessage second = daemon.enqueue("s", web("second"));
        assertThat(daemon.start(second.id())).isEqualTo(Start.STARTED);

        SessionInfo afterSecond = daemon.session("s").orElseThrow();
        assertThat(afterSecond.createdAt()).isEqualTo(created.createdAt());
        assertThat(afterSecond.channel()).isEqualTo("telegram");
        assertThat(afterSecond.conversationKey()).isEqualTo("telegram:42");
        assertThat(afterFirst.updatedAt()).isAfter(created.updatedAt());
        assertThat(afterSecond.updatedAt()).isAfter(afterFirst.updatedAt());
        assertThat(daemon.history("s")).extracting(ChatMessage::content).containsExactly("first", "second");
    }

    @Test
    void aTurnOfANewSessionCreatesItWithTheMessagesChannelOnce() {
        QueuedMessage queued = daemon.enqueue("new", web("hello"));
        assertThat(daemon.start(queued.id())).isEqualTo(Start.STARTED);

        SessionInfo session = daemon.session("new").orElseThrow();
        assertThat(session.channel()).isEqualTo("web");
        assertThat(session.conversationKey()).isEqualTo("web:client-1");
        assertThat(session.createdAt()).isEqualTo(session.updatedAt());
        assertThat(session.messageCount()).isEqualTo(1);
        assertThat(daemon.sessions(10)).extracting(SessionInfo::id).containsExactly("new");
    }

    @Test
    void aRunningTurnOfAnotherProcessHoldsTheSessionUntilItFinishes() {
        QueuedMessage a = daemon.enqueue("same", web("a"));
        assertThat(daemon.start(a.id())).isEqualTo(Start.STARTED);
        QueuedMessage b = cli.enqueue("same", web("b"));

        assertThat(cli.start(b.id())).isEqualTo(Start.WAIT);
        assertThat(cli.start(cli.enqueue("other", web("c")).id())).as("other sessions run").isEqualTo(Start.STARTED);
        daemon.append("same", ChatMessage.assistant("answer a", List.of()));
        daemon.finish(a.id());

        assertThat(cli.start(b.id())).isEqualTo(Start.STARTED);
        assertThat(cli.history("same")).extracting(ChatMessage::content).containsExactly("a", "answer a", "b");
    }

    @Test
    void anOlderMessageOfAnotherProcessGoesFirst() {
        QueuedMessage older = cli.enqueue("same", web("older"));
        QueuedMessage newer = daemon.enqueue("same", web("newer"));

        assertThat(daemon.start(newer.id())).isEqualTo(Start.WAIT);
        assertThat(cli.start(older.id())).isEqualTo(Start.STARTED);
        cli.finish(older.id());
        assertThat(daemon.start(newer.id())).isEqualTo(Start.STARTED);
    }

    @Test
    void onlyAQueuedEntryOfThisProcessCanBeWithdrawn() {
        QueuedMessage mine = daemon.enqueue("s", web("a"));
        QueuedMessage theirs = cli.enqueue("s", web("b"));

        assertThat(daemon.withdraw(theirs.id())).isFalse();
        assertThat(daemon.withdraw(mine.id())).isTrue();
        assertThat(daemon.withdraw(mine.id())).isFalse();
        assertThat(cli.start(theirs.id())).isEqualTo(Start.STARTED);
        assertThat(cli.withdraw(theirs.id())).as("started").isFalse();
    }

    @Test
    void whatAClosedStoreLeftIsAdoptedForTheChannelsOfTheAdopter() {
        QueuedMessage interrupted = cli.enqueue("s", web("running when it stopped"));
        assertThat(cli.start(interrupted.id())).isEqualTo(Start.STARTED);
        QueuedMessage waiting = cli.enqueue("s", web("waiting behind it"));
        QueuedMessage telegram = cli.enqueue("t", new InboundMessage("telegram", "telegram:42", null, "42", "hi",
                List.of(), Map.of()));
        assertThat(daemon.adopt(List.of("web", "telegram"))).as("its process lives").isEmpty();

        cli.deactivate();
        List<QueuedMessage> adopted = daemon.adopt(List.of("web"));

        assertThat(adopted).extracting(QueuedMessage::id).containsExactly(interrupted.id(), waiting.id());
        assertThat(adopted.get(0).interrupted()).isTrue();
        assertThat(adopted.get(1).interrupted()).isFalse();
        assertThat(adopted.get(1).message().text()).isEqualTo("waiting behind it");
        assertThat(adopted.get(1).message().metadata()).containsEntry("message_id", "m-waiting behind it");
        assertThat(adopted.get(1).message().conversationKey()).isEqualTo("web:client-1");
        assertThat(daemon.adopt(List.of("web"))).as("adopted once").isEmpty();
        // the interrupted turn of a gone process does not hold the session
        daemon.finish(interrupted.id());
        assertThat(daemon.start(waiting.id())).isEqualTo(Start.STARTED);
        assertThat(daemon.adopt(List.of("telegram"))).extracting(QueuedMessage::id).containsExactly(telegram.id());
    }

    @Test
    void aProcessOnAnotherMachineCountsAsGoneOnceItsHeartbeatIsSilent() throws Exception {
        Path file = dir.resolve("memory.db");
        long now = System.currentTimeMillis();
        long silent = now - Owners.SILENCE.toMillis() - 1000;
        TestDatabases.execute(file,
                "INSERT INTO owners VALUES ('beating', 1, 'another-boot/pid:[1]', 0, " + now + ")",
                "INSERT INTO owners VALUES ('silent', 1, 'another-boot/pid:[1]', 0, " + silent + ")",
                "INSERT INTO inbox (session_id, owner, state, channel, conversation_key, sender_id, content, metadata, "
                        + "queued_at) VALUES ('s', 'beating', 'running', 'web', 'web:a', 'a', 'alive', '{}', "
                        + "'2025-01-01T00:00:00.000000000Z')",
                "INSERT INTO inbox (session_id, owner, state, channel, conversation_key, sender_id, content, metadata, "
                        + "queued_at) VALUES ('t', 'silent', 'queued', 'web', 'web:b', 'b', 'gone', '{}', "
                        + "'2025-01-01T00:00:00.000000000Z')");

        assertThat(daemon.adopt(List.of("web"))).extracting(q -> q.message().text()).containsExactly("gone");
        assertThat(daemon.start(daemon.enqueue("s", web("mine")).id())).as("its turn holds the session")
                .isEqualTo(Start.WAIT);
    }
}
