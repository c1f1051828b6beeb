package org.openpista.channel.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class JettyServletTest {

    static final class Hello extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setStatus(202);
            response.getWriter().print("got " + new String(request.getInputStream().readAllBytes()));
        }
    }

    final HttpClient client = HttpClient.newHttpClient();

    HttpResponse<String> post(URI endpoint) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(endpoint).POST(HttpRequest.BodyPublishers.ofString("ping")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesTheServletAtItsPathOnLoopbackUntilClosed() throws Exception {
        JettyServlet jetty = JettyServlet.serve(new Hello(), "/echo/webhook", 0);
        assertThat(jetty.endpoint().toString()).startsWith("http://127.0.0.1:").endsWith("/echo/webhook");
        assertThat(jetty.endpoint().getPort()).isPositive();
        HttpResponse<String> answer = post(jetty.endpoint());
        assertThat(answer.statusCode()).isEqualTo(202);
        assertThat(answer.body()).isEqualTo("got ping");
        assertThat(post(jetty.endpoint().resolve("/elsewhere")).body()).doesNotContain("got");
        jetty.close();
        assertThatThrownBy(() -> post(jetty.endpoint())).isInstanceOf(ConnectException.class);
    }

    @Test
    void aPortInUseIsTold() {
        try (JettyServlet first = JettyServlet.serve(new Hello(), "/a", 0)) {
            assertThatThrownBy(() -> JettyServlet.serve(new Hello(), "/b", first.endpoint().getPort()))
                    .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("cannot start Jetty: ");
        }
    }

    @Test
    void aWebhookIsServedByItsOwnServletUntilClosed() throws Exception {
        JettyWebhookServer<String> server = new JettyWebhookServer<>("/echo/webhook", 0, webhook -> new Hello());
        assertThat(server.problem()).isEqualTo("not serving");

        WebhookServer.Serving serving = server.serve("a webhook");
        assertThat(server.problem()).isNull();
        assertThat(server.endpoint().getPath()).isEqualTo("/echo/webhook");
        assertThat(post(server.endpoint()).body()).isEqualTo("got ping");

        serving.close();
        assertThat(server.problem()).isEqualTo("not serving");
        assertThatThrownBy(() -> post(server.endpoint())).isInstanceOf(ConnectException.class);
    }
}
