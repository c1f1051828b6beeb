package org.openpista.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.channel.AgentReply;
import org.openpista.api.channel.InboundMessage;
import org.openpista.api.channel.TurnHandle;
import org.openpista.api.chat.Cancellation;
import org.openpista.api.feed.SessionEvent;
import org.openpista.api.feed.SessionEvent.Kind;
import org.openpista.api.feed.SessionListener;
import org.openpista.api.llm.ProviderException;
import org.openpista.memory.sqlite.internal.SqliteConversationStore;

/** The agent core tells session listeners about every turn, whichever channel its message came from. */
class SessionFeedTest {

    @TempDir
    Path home;

    SqliteConversationStore store;
    AgentRuntime runtime;
    final ScriptedProvider provider = new ScriptedProvider("openai");
    final List<SessionEvent> heard = new CopyOnWriteArrayList<>();

    @BeforeEach
    void open() {
        store = new SqliteConversationStore(home.resolve("memory.db"));
        ApprovalPolicy approval = new ApprovalPolicy();
        approval.configure(Map.of("approval", "auto"));
        runtime = new AgentRuntime(store, store, new ToolRegistryImpl(), approval, home,
                Configs.of(AgentConfig.class, Map.of()));
        runtime.providers = List.of(provider);
    }

    @AfterEach
    void stop() {
        runtime.deactivate();
        store.deactivate();
    }

    static AgentReply await(TurnHandle handle) throws Exception {
        return handle.completion().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    @Test
    void aTurnFromAnyChannelIsToldWithItsMessageItsStreamAndItsAnswer() throws Exception {
        runtime.sessionListeners = List.of(heard::add);
        provider.then((request, listener) -> {
            listener.onTextDelta("Hel");
            listener.onTextDelta("lo");
            return ScriptedProvider.text("Hello");
        });
        RecordingSink telegram = new RecordingSink();

        AgentReply reply = await(runtime.submit(InboundMessage.text("telegram", "telegram:42", null, "hi from telegram"),
                telegram));

        assertThat(reply.text()).isEqualTo("Hello");
        assertThat(telegram.deltas).as("the channel still streams its own turn").containsExactly("Hel", "lo");
        assertThat(telegram.replies).containsExactly(reply);
        assertThat(heard).extracting(SessionEvent::kind, SessionEvent::text).containsExactly(
                Tuple.tuple(Kind.MESSAGE, "hi from telegram"),
                Tuple.tuple(Kind.TEXT_DELTA, "Hel"),
                Tuple.tuple(Kind.TEXT_DELTA, "lo"),
                Tuple.tuple(Kind.ANSWER, "Hello"));
        assertThat(heard).allSatisfy(event -> {
            assertThat(event.sessionId()).as("the conversation's current session").isEqualTo("telegram:42");
            assertThat(event.channel()).isEqualTo("telegram");
            assertThat(event.conversationKey()).isEqualTo("telegram:42");
            assertThat(event.error()).isFalse();
        });
    }

    @Test
    void aFailedTurnIsToldAsAnErrorAndAFailingListenerChangesNothing() throws Exception {
        SessionListener broken = event -> {
            throw new IllegalStateException("listener bug");
        };
        runtime.sessionListeners = List.of(broken, heard::add);
        provider.then((request, listener) -> {
            throw new ProviderException(ProviderException.Kind.AUTHENTICATION,
                    401, "OpenAI rejected the API key (401)", null);
        });

        AgentReply reply = await(runtime.submit(InboundMessage.text("slack", "slack:C1", "s1", "hi"), new RecordingSink()));

        assertThat(reply.error()).isTrue();
        assertThat(heard).extracting(SessionEvent::kind).containsExactly(Kind.MESSAGE, Kind.ANSWER);
        assertThat(heard.get(1).error()).isTrue();
        assertThat(heard.get(1).text()).isEqualTo("OpenAI rejected the API key (401)");
        assertThat(heard.get(1).sessionId()).isEqualTo("s1");
    }

    @Test
    void aTurnThatThrowsStillEndsWithAnAnswerEvent() {
        SessionFeed feed = new SessionFeed(() -> List.of(heard::add));
        Turn turn = new Turn("s1", InboundMessage.text("cron", "cron:daily", "s1", "report"), new RecordingSink(),
                new Cancellation());

        assertThatThrownBy(() -> feed.around(t -> {
            throw new IllegalStateException("boom");
        }).apply(turn)).hasMessage("boom");

        assertThat(heard).extracting(SessionEvent::kind, SessionEvent::text, SessionEvent::error).containsExactly(
                Tuple.tuple(Kind.MESSAGE, "report", false),
                Tuple.tuple(Kind.ANSWER, SessionFeed.FAILED, true));
    }

    @Test
    void withoutListenersTheTurnRunsWithItsOwnSink() {
        SessionFeed feed = new SessionFeed(List::of);
        RecordingSink sink = new RecordingSink();
        Turn turn = new Turn("s1", InboundMessage.text("cli", "cli:local", "s1", "hi"), sink, new Cancellation());

        AgentReply reply = feed.around(t -> {
            assertThat(t).isSameAs(turn);
            return AgentReply.answer("s1", "ok");
        }).apply(turn);

        assertThat(reply.text()).isEqualTo("ok");
    }
}
