package org.openpista.tui.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class AttachedBackendTest {

    @Test
    void theSocketsAddressCarriesTheTokenOfThePrintedAddress() throws Exception {
        assertThat(AttachedBackend.socketUri("http://127.0.0.1:3210/#token=abc", null))
                .hasToString("ws://127.0.0.1:3210/ws?token=abc&client_id=tui");
        assertThat(AttachedBackend.socketUri("https://[::1]:8443/#token=abc", "my session"))
                .hasToString("wss://[::1]:8443/ws?token=abc&client_id=tui&session_id=my+session");
        assertThatThrownBy(() -> AttachedBackend.socketUri("http://127.0.0.1:3210/", null)).isInstanceOf(IOException.class)
                .hasMessageContaining("no token");
    }

    @Test
    void aRefusedTokenOrNoServerIsASentenceNotAHang() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/ws", exchange -> {
            exchange.sendResponseHeaders(401, -1);
            exchange.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/#token=wrong";
            assertThatThrownBy(() -> AttachedBackend.connect(url, null, "attached", why -> { }))
                    .isInstanceOf(IOException.class).hasMessageContaining("refused the token (401)");
        } finally {
            server.stop(0);
        }
        String closed = "http://127.0.0.1:" + server.getAddress().getPort() + "/#token=any";
        assertThatThrownBy(() -> AttachedBackend.connect(closed, null, "attached", why -> { }))
                .isInstanceOf(IOException.class).hasMessageContaining("cannot be reached");
    }
}
