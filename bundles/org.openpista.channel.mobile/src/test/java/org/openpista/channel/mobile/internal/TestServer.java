package org.openpista.channel.mobile.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.openpista.channel.support.MemoryGateway;
import org.openpista.channel.support.MemoryStore;

/**
 * The mobile channel's protocol on a real QUIC server (kwik) on 127.0.0.1, with the agent scripted
 * by the test and the memory in a map; {@link #client} connects real kwik clients to it.
 */
final class TestServer implements AutoCloseable {

    static final String TOKEN = "test-token-0123456789";

    final MemoryStore store = new MemoryStore();
    final MemoryGateway gateway = new MemoryGateway(store);
    final MapRouter router = new MapRouter();
    final MobileSettings settings;
    final ServerIdentity identity;
    final MobileHub hub;
    final QuicServer server;
    private final List<MobileClient> clients = new ArrayList<>();

    TestServer() throws IOException {
        this(Duration.ofSeconds(120));
    }

    TestServer(Duration turnLimit) throws IOException {
        settings = new MobileSettings(true, "127.0.0.1", 0, TOKEN, null, null, Duration.ofSeconds(120), turnLimit,
                Duration.ofSeconds(600));
        identity = ServerIdentity.generate("127.0.0.1");
        hub = new MobileHub(settings, gateway, store, () -> router, Clock.systemUTC());
        server = QuicServer.start(settings, identity, hub);
    }

    ConnectUri uri() {
        return uri(TOKEN);
    }

    ConnectUri uri(String token) {
        return new ConnectUri("127.0.0.1", server.port(), token, identity.fingerprint());
    }

    /** @return an authenticated client of a device, closed with the server */
    MobileClient client(String deviceId) throws IOException {
        MobileClient client = MobileClient.connect(uri(), deviceId, Duration.ofSeconds(120));
        synchronized (clients) {
            clients.add(client);
        }
        return client;
    }

    /** @return the frames of one request */
    static List<JsonNode> request(MobileClient client, ObjectNode frame) throws IOException {
        List<JsonNode> frames = new ArrayList<>();
        client.request(frame, frames::add);
        return frames;
    }

    static ObjectNode message(String text) {
        return Frames.frame("message").put("text", text);
    }

    @Override
    public void close() {
        synchronized (clients) {
            clients.forEach(MobileClient::close);
        }
        server.close();
        hub.close();
        gateway.close();
    }
}
