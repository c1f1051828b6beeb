package org.openpista.memory.sqlite.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.chat.Role;
import org.openpista.api.chat.ToolCall;

/** History repair, through a real store: what is stored stays, what is loaded is valid for providers. */
class HistoryRepairTest {

    private static final Instant T0 = Instant.parse("2025-05-05T05:05:05Z");
    private static final ToolCall RUN = new ToolCall("call_1", "system.run", "{\"command\":\"sleep 999\"}");
    private static final ToolCall READ = new ToolCall("call_2", "fs.read", "{\"path\":\"a\"}");

    @TempDir
    Path dir;

    private SqliteConversationStore store;

    @BeforeEach
    void open() {
        store = new SqliteConversationStore(dir.resolve("memory.db"));
        store.ensureSession("s", "cli", "cli:s");
    }

    @AfterEach
    void close() {
        store.deactivate();
    }

    @Test
    void aCallWithoutResultGetsASyntheticErrorRightAfterIt() {
        ChatMessage user = at(ChatMessage.user("run it"), 0);
        ChatMessage assistant = at(ChatMessage.assistant("", List.of(RUN)), 1);
        // the daemon died while the tool ran; the next turn starts with a new user message
        ChatMessage next = at(ChatMessage.user("are you there?"), 2);
        append(user, assistant, next);

        List<ChatMessage> history = store.history("s");

        assertThat(history).hasSize(4);
        assertThat(history.get(0)).isEqualTo(user);
        assertThat(history.get(1)).isEqualTo(assistant);
        ChatMessage synthetic = history.get(2);
        assertThat(synthetic.role()).isEqualTo(Role.TOOL);
        assertThat(synthetic.toolCallId()).isEqualTo("call_1");
        assertThat(synthetic.toolName()).isEqualTo("system.run");
        assertThat(synthetic.error()).isTrue();
        assertThat(synthetic.content()).isEqualTo(HistoryRepair.INTERRUPTED);
        assertThat(history.get(3)).isEqualTo(next);
        // the repair is not written back: the stored rows are what was said
        assertThat(store.session("s").orElseThrow().messageCount()).isEqualTo(3);
    }

    @Test
    void aPartlyAnsweredCallGetsItsMissingResultAfterTheRealOnes() {
        ChatMessage assistant = at(ChatMessage.assistant("two things", List.of(RUN, READ)), 0);
        ChatMessage readResult = at(ChatMessage.toolResult(READ, "content", false), 1);
        append(assistant, readResult);

        List<ChatMessage> history = store.history("s");

        assertThat(history).extracting(ChatMessage::role).containsExactly(Role.ASSISTANT, Role.TOOL, Role.TOOL);
        assertThat(history.get(1)).isEqualTo(readResult);
        assertThat(history.get(2).toolCallId()).isEqualTo("call_1");
        assertThat(history.get(2).error()).isTrue();
    }

    @Test
    void aResultWithoutItsCallIsDropped() {
        ChatMessage user = at(ChatMessage.user("hi"), 0);
        ChatMessage orphan = at(ChatMessage.toolResult(new ToolCall("call_x", "system.run", "{}"), "out", false), 1);
        ChatMessage answer = at(ChatMessage.assistant("hello"), 2);
        append(user, orphan, answer);

        assertThat(store.history("s")).containsExactly(user, answer);
    }

    @Test
    void aResultForAnotherTurnsCallOrADuplicateIsDropped() {
        ChatMessage assistant = at(ChatMessage.assistant("", List.of(RUN)), 0);
        ChatMessage result = at(ChatMessage.toolResult(RUN, "done", false), 1);
        ChatMessage duplicate = at(ChatMessage.toolResult(RUN, "done again", false), 2);
        ChatMessage answer = at(ChatMessage.assistant("finished"), 3);
        ChatMessage user = at(ChatMessage.user("more"), 4);
        ChatMessage late = at(ChatMessage.toolResult(RUN, "far too late", false), 5);
        append(assistant, result, duplicate, answer, user, late);

        assertThat(store.history("s")).containsExactly(assistant, result, answer, user);
    }

    @Test
    void reusedCallIdsAreMatchedToTheirOwnTurn() {
        // local models often number their calls call_0 in every turn
        ToolCall first = new ToolCall("call_0", "a", "{}");
        ToolCall second = new ToolCall("call_0", "b", "{}");
        ChatMessage turn1 = at(ChatMessage.assistant("", List.of(first)), 0);
        ChatMessage result1 = at(ChatMessage.toolResult(first, "a done", false), 1);
        ChatMessage user = at(ChatMessage.user("again"), 2);
        ChatMessage turn2 = at(ChatMessage.assistant("", List.of(second)), 3);
        append(turn1, result1, user, turn2);

        List<ChatMessage> history = store.history("s");

        assertThat(history).hasSize(5);
        assertThat(history.subList(0, 4)).containsExactly(turn1, result1, user, turn2);
        assertThat(history.get(4).toolName()).isEqualTo("b");
        assertThat(history.get(4).error()).isTrue();
    }

    @Test
    void aCompleteHistoryIsUnchanged() {
        ChatMessage user = at(ChatMessage.user("go"), 0);
        ChatMessage assistant = at(ChatMessage.assistant("", List.of(RUN, READ)), 1);
        ChatMessage r1 = at(ChatMessage.toolResult(RUN, "ok", false), 2);
        ChatMessage r2 = at(ChatMessage.toolResult(READ, "bad", true), 3);
        ChatMessage answer = at(ChatMessage.assistant("done"), 4);
        append(user, assistant, r1, r2, answer);

        HistoryRepair.Result result = HistoryRepair.repair(List.of(user, assistant, r1, r2, answer));

        assertThat(store.history("s")).containsExactly(user, assistant, r1, r2, answer);
        assertThat(result.synthesized()).isZero();
        assertThat(result.dropped()).isZero();
    }

    private void append(ChatMessage... messages) {
        for (ChatMessage message : messages) {
            store.append("s", message);
        }
    }

    private static ChatMessage at(ChatMessage message, int second) {
        return message.withCreatedAt(T0.plusSeconds(second));
    }
}
