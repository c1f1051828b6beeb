package org.openpista.channel.web.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class ClientsTest {

    /** A socket that keeps what was sent, and whether it was to go at once. */
    static final class Recorder implements Peer {
        final List<String> sent = new ArrayList<>();

        @Override
        public synchronized void sendText(String text, Runnable written, Consumer<Throwable> failed) {
            sent.add("now " + Frames.arguments(text).path("type").asText());
            written.run();
        }

        @Override
        public synchronized void sendTextSoon(String text, Runnable written, Consumer<Throwable> failed) {
            sent.add("soon " + Frames.arguments(text).path("type").asText());
            written.run();
        }

        @Override
        public void close(int code, String reason) {}

        @Override
        public void maxTextMessageSize(long bytes) {}
    }

    private static Connection connection(Clients clients, String session, Recorder peer) {
        Connection connection = new Connection("c-" + session, "web:c", session, "127.0.0.1");
        connection.attach(peer);
        clients.add(connection);
        return connection;
    }

    @Test
    void aSessionsFramesReachTheConnectionsThatShowItAfterASwitchToo() {
        Clients clients = new Clients();
        Recorder ada = new Recorder();
        Recorder bob = new Recorder();
        Connection adas = connection(clients, "s1", ada);
        connection(clients, "s2", bob);

        clients.broadcast("s1", Frames.frame("one"));
        clients.bind(adas, "s2");
        clients.broadcast("s1", Frames.frame("two"));
        clients.stream("s2", Frames.frame("three"));
        clients.broadcastExcept("s2", adas, Frames.frame("four"));

        assertThat(ada.sent).containsExactly("now one", "soon three");
        assertThat(bob.sent).containsExactly("soon three", "now four");
        assertThat(clients.broadcastTo("s2", Frames.frame("five"))).hasSize(2);
    }

    @Test
    void aConnectionThatLeftGetsNothingAndItsSessionIsForgotten() {
        Clients clients = new Clients();
        Recorder ada = new Recorder();
        Connection adas = connection(clients, "s1", ada);
        clients.remove(adas);

        clients.broadcast("s1", Frames.frame("one"));
        clients.bind(connection(clients, "s1", new Recorder()), "s1");

        assertThat(ada.sent).isEmpty();
        assertThat(clients.broadcastTo("s1", Frames.frame("two"))).hasSize(1);
        assertThat(clients.count()).isEqualTo(1);
    }
}
