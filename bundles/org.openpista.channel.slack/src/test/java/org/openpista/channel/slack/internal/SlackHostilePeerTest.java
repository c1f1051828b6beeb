package org.openpista.channel.slack.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openpista.channel.support.HostilePeer;

/**
 * The Web API client and the file downloads against a peer that misbehaves: a body that stalls after
 * the headers, an endless body. Neither may hang the channel or fill its heap.
 */
class SlackHostilePeerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    final HostilePeer peer = new HostilePeer();

    SlackHostilePeerTest() throws IOException {}

    @AfterEach
    void close() {
        peer.close();
    }

    String root() {
        return peer.root();
    }

    @Test
    void aBodyThatStallsAfterTheHeadersEndsWithTheTimeout() throws Exception {
        peer.answer(exchange -> peer.stallAfterTheHeaders(exchange, "{\"ok\":true,"));
        try (SlackApi api = new SlackApi(root() + "/api", "xoxb-hostile", Duration.ofMillis(10), Duration.ofSeconds(1))) {
            long before = System.nanoTime();

            assertThatThrownBy(api::authTest).isInstanceOfSatisfying(SlackException.class,
                    e -> assertThat(e.getMessage()).contains("cannot reach Slack: no whole answer within 1 s"));

            assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void aTokenAHeaderCannotCarryIsRefusedWithoutShowingIt() {
        peer.answer(exchange -> exchange.sendResponseHeaders(500, -1));
        try (SlackApi api = new SlackApi(root() + "/api", "xoxb-broken\nsecret", Duration.ofMillis(10))) {
            assertThatThrownBy(api::authTest).isInstanceOfSatisfying(SlackException.class, e -> {
                assertThat(e.refused()).isTrue();
                assertThat(e.getMessage()).contains(SlackApi.TOKEN_NOT_IN_HEADER).doesNotContain("secret\"")
                        .doesNotContain("xoxb-broken");
            });
            assertThatThrownBy(() -> api.post("C1", null, "hi", null)).isInstanceOf(SlackException.class)
                    .hasMessageNotContaining("xoxb-broken");
        }
    }

    @Test
    void anEndlessAnswerIsCutOffAtTheLimit() throws Exception {
        peer.answer(exchange -> HostilePeer.endless(exchange, SlackFiles.MAX_BYTES));
        try (SlackApi api = new SlackApi(root() + "/api", "xoxb-hostile", Duration.ofMillis(10))) {
            assertThatThrownBy(api::authTest).isInstanceOfSatisfying(SlackException.class,
                    e -> assertThat(e.getMessage()).contains("the answer is larger than 16 MB"));
        }
    }

    @Test
    void aFileLargerThanAnnouncedIsCutOffAtTheLimit() throws Exception {
        peer.answer(exchange -> HostilePeer.endless(exchange, SlackFiles.MAX_BYTES));
        try (SlackApi api = new SlackApi(root() + "/api", "xoxb-hostile", Duration.ofMillis(10))) {
            SlackFiles files = new SlackFiles(root() + "/api", "xoxb-hostile", api.http());

            assertThatThrownBy(() -> files.download(JSON.readTree("[{\"name\":\"a.bin\",\"size\":10,\"url_private\":\""
                    + root() + "/files/a.bin\"}]"))).isInstanceOfSatisfying(SlackException.class,
                            e -> assertThat(e.getMessage()).contains("\"a.bin\" is too large (the limit is 20 MB)"));
        }
    }
}
