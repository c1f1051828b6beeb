package org.openpista.memory.sqlite.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.channel.InboundMessage;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.memory.QueuedMessage;
import org.openpista.api.memory.TurnQueue.Start;

/** A process killed with -9 in the middle of a turn neither holds its session nor loses its queue. */
class KilledProcessTest {

    @TempDir
    Path dir;

    @Test
    void aKilledProcessHoldsNoSessionAndItsMessagesAreAdopted() throws Exception {
        Path file = dir.resolve("memory.db");
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), QueueHolder.class.getName(), file.toString())
                .redirectErrorStream(true)
                .start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.equals("HOLDING")) {
                // the child's log lines
            }
            assertThat(line).as("the child started its turn").isEqualTo("HOLDING");
        }
        SqliteConversationStore store = new SqliteConversationStore(file);
        try {
            QueuedMessage mine = store.enqueue("shared", InboundMessage.text("web", "web:c2", null, "mine"));
            assertThat(store.start(mine.id())).as("the live child's turn holds the session").isEqualTo(Start.WAIT);
            assertThat(store.adopt(List.of("web"))).as("a live process keeps its messages").isEmpty();

            holder.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup
            assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();

            assertThat(store.start(mine.id())).as("the killed turn does not hold the session").isEqualTo(Start.STARTED);
            List<QueuedMessage> adopted = store.adopt(List.of("web"));
            assertThat(adopted).extracting(q -> q.message().text()).containsExactly("running", "queued");
            assertThat(adopted).extracting(QueuedMessage::interrupted).containsExactly(true, false);
            assertThat(adopted).extracting(QueuedMessage::sessionId).containsOnly("shared");
            store.finish(mine.id());
            assertThat(store.start(adopted.get(1).id())).isEqualTo(Start.STARTED);
            assertThat(store.history("shared")).extracting(ChatMessage::content)
                    .containsExactly("running", "mine", "queued");
        } finally {
            holder.destroyForcibly();
            store.deactivate();
        }
    }
}
