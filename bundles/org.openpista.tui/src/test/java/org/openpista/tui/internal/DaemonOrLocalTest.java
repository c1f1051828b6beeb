package org.openpista.tui.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.openpista.api.admin.DaemonClient;

class DaemonOrLocalTest {

    /** A daemon as the admin socket shows it: running or not, and what {@code openpista:ready} prints. */
    record Daemon(OptionalLong pid, String ready) implements DaemonClient {
        @Override
        public OptionalLong running() {
            return pid;
        }

        @Override
        public String execute(String commandLine) throws IOException {
            if (ready == null) {
                throw new IOException("no daemon answers");
            }
            return ready;
        }
    }

    final List<String> modes = new CopyOnWriteArrayList<>();
    final List<Event> events = new CopyOnWriteArrayList<>();

    List<Event> chosen(DaemonClient daemon) throws Exception {
        List<Event> events = new CopyOnWriteArrayList<>();
        try (DaemonOrLocal backend = new DaemonOrLocal(() -> daemon, mode -> {
            modes.add(mode);
            return new LocalBackend(new LocalBackend.Services() {
                @Override
                public org.openpista.api.channel.AgentGateway gateway() {
                    return null;
                }

                @Override
                public org.openpista.api.memory.ConversationStore store() {
                    return null;
                }

                @Override
                public org.openpista.api.model.ModelSelector models() {
                    return null;
                }

                @Override
                public org.openpista.api.auth.AuthService auth() {
                    return null;
                }
            }, null, mode);
        })) {
            backend.start(events::add, null);
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (events.stream().noneMatch(Event.Connected.class::isInstance) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            Thread.sleep(50);
        }
        this.events.addAll(events);
        return events;
    }

    @Test
    void withoutADaemonTheAgentRunsHere() throws Exception {
        assertThat(chosen(null)).contains(new Event.Connected("in-process", "", ""));
        assertThat(chosen(new Daemon(OptionalLong.empty(), ""))).noneMatch(Event.Notice.class::isInstance);
        assertThat(modes).containsExactly("in-process", "in-process");
    }

    @Test
    void aDaemonWithoutTheWebChatIsNotAttachedAndTheUserIsToldWhy() throws Exception {
        List<Event> seen = chosen(new Daemon(OptionalLong.of(42), "Telegram: @bot\n"));
        assertThat(modes).containsExactly("in-process · daemon has no web chat");
        assertThat(seen).anySatisfy(event -> assertThat(event).isInstanceOfSatisfying(Event.Notice.class,
                notice -> assertThat(notice.text()).contains("pid 42").contains("/web setup")));
    }

    @Test
    void aDaemonThatDoesNotAnswerOrRefusesIsNotAttached() throws Exception {
        chosen(new Daemon(OptionalLong.of(42), null));
        chosen(new Daemon(OptionalLong.of(43), "Web chat: http://127.0.0.1:1/#token=abc\n"));
        assertThat(modes).containsExactly("in-process · not attached", "in-process · not attached");
        assertThat(events).filteredOn(Event.Notice.class::isInstance).map(event -> ((Event.Notice) event).text())
                .anySatisfy(text -> assertThat(text).contains("pid 42").contains("no daemon answers"))
                .anySatisfy(text -> assertThat(text).contains("pid 43").contains("cannot be reached"));
    }
}
