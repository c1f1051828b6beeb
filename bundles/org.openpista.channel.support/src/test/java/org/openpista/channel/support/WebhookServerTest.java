package org.openpista.channel.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Without an HTTP server a webhook cannot be served, and says so. */
class WebhookServerTest {

    @Test
    void noServerServesNothingAndSaysWhy() {
        WebhookServer<String> none = WebhookServer.none();

        assertThat(none.problem()).isEqualTo("no HTTP server");
        assertThatThrownBy(() -> none.serve("a webhook")).isInstanceOf(IllegalStateException.class)
                .hasMessage("no HTTP server to serve the webhook");
    }
}
