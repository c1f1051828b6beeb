package org.openpista.channel.web.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openpista.api.pairing.ChannelPairing;
import org.openpista.api.pairing.PairingState;
import org.openpista.api.pairing.PairingState.Phase;
import org.openpista.api.pairing.QrCode;

/**
 * The {@code pairing_request} / {@code pairing_status} extension over a real WebSocket, with a
 * stand-in {@link ChannelPairing} service registered and unregistered the way the web channel's
 * dynamic reference sees WhatsApp's.
 */
class PairingTest {

    static final Map<String, Object> WHATSAPP = Map.of(ChannelPairing.CHANNEL, "whatsapp");
    static final List<String> CODE_A = List.of("101", "010", "111");
    static final List<String> CODE_B = List.of("1100", "0011", "1010", "0101");

    TestServer server;

    /** A channel's pairing whose state the test sets, as the WhatsApp channel does from its bridge's events. */
    static final class FakePairing implements ChannelPairing {
        private final AtomicLong versions = new AtomicLong();
        volatile PairingState state = next(Phase.STARTING, null, "", "starting the bridge");
        volatile RuntimeException failure;

        PairingState next(Phase phase, List<String> rows, String account, String detail) {
            return new PairingState("whatsapp", phase, rows == null ? null : new QrCode("code", rows), account, detail,
                    Instant.parse("2025-01-02T03:04:05Z"), versions.incrementAndGet());
        }

        void set(Phase phase, List<String> rows, String account, String detail) {
            state = next(phase, rows, account, detail);
        }

        @Override
        public PairingState state() {
            RuntimeException broken = failure;
            if (broken != null) {
                throw broken;
            }
            return state;
        }
    }

    @BeforeEach
    void start() throws Exception {
        server = new TestServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    static List<String> rows(JsonNode status) {
        List<String> rows = new ArrayList<>();
        status.path("qr").path("rows").forEach(row -> rows.add(row.asText()));
        return rows;
    }

    @Test
    void aWatcherSeesThePairingAppearChangeConnectAndGo() throws Exception {
        try (WsClient client = server.client("ada")) {
            client.send(Frames.frame("pairing_request").put("channel", "whatsapp"));
            JsonNode none = client.next("pairing_status");
            assertThat(none.path("channel").asText()).isEqualTo("whatsapp");
            assertThat(none.path("state").asText()).isEqualTo("unavailable");
            assertThat(none.has("qr")).isFalse();

            // the WhatsApp channel starts: its service is registered and the watcher is told
            FakePairing whatsapp = new FakePairing();
            whatsapp.set(Phase.WAITING_FOR_SCAN, CODE_A, "", "");
            server.chat.bindPairing(whatsapp, WHATSAPP);
            JsonNode waiting = client.next("pairing_status");
            assertThat(waiting.path("state").asText()).isEqualTo("waiting_for_scan");
            assertThat(waiting.path("qr").path("size").asInt()).isEqualTo(3);
            assertThat(rows(waiting)).isEqualTo(CODE_A);
            assertThat(waiting.path("since").asText()).isEqualTo("2025-01-02T03:04:05Z");
            long first = waiting.path("version").asLong();

            // WhatsApp renews the code
            whatsapp.set(Phase.WAITING_FOR_SCAN, CODE_B, "", "");
            JsonNode renewed = client.next("pairing_status");
            assertThat(rows(renewed)).isEqualTo(CODE_B);
            assertThat(renewed.path("qr").path("size").asInt()).isEqualTo(4);
            assertThat(renewed.path("version").asLong()).isGreaterThan(first);

            // scanned: linked as the owner's number, named by its display name; no code any more
            whatsapp.set(Phase.CONNECTED, null, "4915112345678", "Ada");
            JsonNode connected = client.next("pairing_status");
            assertThat(connected.path("state").asText()).isEqualTo("connected");
            assertThat(connected.path("account").asText()).isEqualTo("4915112345678");
            assertThat(connected.path("detail").asText()).isEqualTo("Ada");
            assertThat(connected.has("qr")).isFalse();

            // the channel stops: its service goes away
            server.chat.unbindPairing(whatsapp, WHATSAPP);
            assertThat(client.next("pairing_status").path("state").asText()).isEqualTo("unavailable");
        }
    }

    @Test
    void aRequestAnswersWithTheCurrentStateAndEveryClientWatchingIsToldOnce() throws Exception {
        FakePairing whatsapp = new FakePairing();
        whatsapp.set(Phase.WAITING_FOR_SCAN, CODE_A, "", "");
        server.chat.bindPairing(whatsapp, WHATSAPP);
        try (WsClient one = server.client("one"); WsClient two = server.client("two")) {
            one.send(Frames.frame("pairing_request").put("channel", "whatsapp"));
            two.send(Frames.frame("pairing_request").put("channel", "whatsapp").put("watch", true));
            assertThat(rows(one.next("pairing_status"))).isEqualTo(CODE_A);
            assertThat(rows(two.next("pairing_status"))).isEqualTo(CODE_A);

            whatsapp.set(Phase.CONNECTED, null, "4915112345678", "Ada");
            assertThat(one.next("pairing_status").path("state").asText()).isEqualTo("connected");
            assertThat(two.next("pairing_status").path("state").asText()).isEqualTo("connected");
            // an unchanged state is not sent again: the next frame after a ping is its pong
            one.frame("ping");
            assertThat(one.next().path("type").asText()).isEqualTo("pong");
        }
    }

    @Test
    void watchFalseAnswersOnceAndEndsTheWatch() throws Exception {
        FakePairing whatsapp = new FakePairing();
        whatsapp.set(Phase.WAITING_FOR_SCAN, CODE_A, "", "");
        server.chat.bindPairing(whatsapp, WHATSAPP);
        try (WsClient leaving = server.client("leaving"); WsClient staying = server.client("staying")) {
            leaving.send(Frames.frame("pairing_request").put("channel", "whatsapp"));
            leaving.next("pairing_status");
            leaving.send(Frames.frame("pairing_request").put("channel", "whatsapp").put("watch", false));
            assertThat(rows(leaving.next("pairing_status"))).as("the state now, once").isEqualTo(CODE_A);
            staying.send(Frames.frame("pairing_request").put("channel", "whatsapp"));
            staying.next("pairing_status");

            whatsapp.set(Phase.WAITING_FOR_SCAN, CODE_B, "", "");
            // once the watcher has the new code, the push has happened; the one that left was not sent it
            assertThat(rows(staying.next("pairing_status"))).isEqualTo(CODE_B);
            leaving.frame("ping");
            assertThat(leaving.next().path("type").asText()).isEqualTo("pong");
        }
    }

    @Test
    void malformedRequestsGetErrorFramesAndTheConnectionStaysUsable() throws Exception {
        try (WsClient client = server.client("c")) {
            client.frame("pairing_request");
            JsonNode missing = client.next("error");
            assertThat(missing.path("code").asText()).isEqualTo("bad_frame");
            assertThat(missing.path("error").asText()).contains("channel");
            assertThat(missing.path("in_reply_to").asText()).isEqualTo("pairing_request");

            client.send(Frames.frame("pairing_request").put("channel", "whatsapp").put("watch", "yes"));
            assertThat(client.next("error").path("error").asText()).contains("\"watch\" must be true or false");

            client.send(Frames.frame("pairing_request").put("channel", "bad\u0007id"));
            assertThat(client.next("error").path("code").asText()).isEqualTo("bad_frame");

            for (int i = 0; i < PairingFeed.MAX_WATCHED; i++) {
                client.send(Frames.frame("pairing_request").put("channel", "channel-" + i));
                assertThat(client.next("pairing_status").path("state").asText()).isEqualTo("unavailable");
            }
            client.send(Frames.frame("pairing_request").put("channel", "one-too-many"));
            assertThat(client.next("error").path("error").asText()).contains("at most " + PairingFeed.MAX_WATCHED);

            client.frame("ping");
            assertThat(client.next("pong").path("type").asText()).isEqualTo("pong");
        }
    }

    /** The feed on its own, with connections whose socket is a recording stand-in. */
    static final class Recorder implements Peer {
        final List<JsonNode> frames = new ArrayList<>();

        @Override
        public synchronized void sendText(String text, Runnable written, Consumer<Throwable> failed) {
            try {
                frames.add(Frames.JSON.readTree(text));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            written.run();
        }

        @Override
        public void close(int code, String reason) {}

        @Override
        public void maxTextMessageSize(long bytes) {}

        synchronized List<String> states() {
            return frames.stream().map(frame -> frame.path("state").asText()).toList();
        }
    }

    static Connection connection(Recorder peer) {
        Connection connection = new Connection("c", "web:c", "web:c", "127.0.0.1");
        connection.attach(peer);
        return connection;
    }

    @Test
    void aBrokenServiceCountsAsUnavailableAndPollingEndsWithTheLastWatcher() {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        FakePairing whatsapp = new FakePairing();
        Pairings pairings = new Pairings();
        pairings.bind(whatsapp, WHATSAPP);
        try (PairingFeed feed = new PairingFeed(pairings::get, timer)) {
            Recorder peer = new Recorder();
            Connection connection = connection(peer);
            feed.request(connection, "whatsapp", true);
            assertThat(feed.polling()).isTrue();

            whatsapp.failure = new IllegalStateException("the service was unregistered");
            feed.poll();
            whatsapp.set(Phase.FAILED, null, "", "node is not installed");
            whatsapp.failure = null;
            feed.poll();
            feed.poll();
            assertThat(peer.states()).containsExactly("starting", "unavailable", "failed");
            assertThat(peer.frames.get(2).path("detail").asText()).isEqualTo("node is not installed");

            feed.forget(connection);
            feed.poll();
            assertThat(feed.polling()).as("nobody watches: the timer has nothing to do").isFalse();
        } finally {
            timer.shutdownNow();
        }
    }

    @Test
    void servicesAreTrackedByTheirChannelPropertyAndOnlyTheirOwnUnbindRemovesThem() {
        Pairings pairings = new Pairings();
        FakePairing first = new FakePairing();
        FakePairing second = new FakePairing();
        pairings.bind(first, WHATSAPP);
        pairings.bind(second, WHATSAPP);
        pairings.bind(new FakePairing(), Map.of());
        assertThat(pairings.get("whatsapp")).isSameAs(second);
        pairings.unbind(first, WHATSAPP);
        assertThat(pairings.get("whatsapp")).as("an older registration leaving keeps the newer").isSameAs(second);
        pairings.unbind(second, WHATSAPP);
        assertThat(pairings.get("whatsapp")).isNull();
    }
}
