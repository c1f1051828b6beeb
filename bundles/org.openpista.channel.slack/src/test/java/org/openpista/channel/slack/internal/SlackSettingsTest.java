package org.openpista.channel.slack.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SlackSettingsTest {

    @Test
    void whatIsMissingIsSaidPerMode() {
        SlackSettings socket = SlackSettings.from(SlackConfigs.config("socket", "xoxb-1-2-3", "", "", new String[] {" U1 ", "U1"},
                new String[0]));
        assertThat(socket.offReason(true)).contains("Socket Mode needs an app-level token");
        assertThat(socket.offReason(false)).isEqualTo("off ([channels.slack] enabled = false)");
        assertThat(socket.allowedUsers()).containsExactly("U1");
        assertThat(socket.allowsChannel("C1")).isTrue();
        assertThat(socket.apiUrl()).isEqualTo(SlackSettings.DEFAULT_API);

        SlackSettings http = SlackSettings.from(SlackConfigs.config("http", "http://127.0.0.1:9/api/", new String[0],
                new String[] {"C1"}));
        assertThat(http.offReason(true)).isNull();
        assertThat(http.apiUrl()).isEqualTo("http://127.0.0.1:9/api");
        assertThat(http.allowsChannel("C2")).isFalse();

        assertThat(SlackSettings.from(SlackConfigs.config("websocket", "", new String[0], new String[0])).offReason(true))
                .isEqualTo("off (mode must be \"socket\" or \"http\", not \"websocket\")");
        assertThat(SlackSettings.from(SlackConfigs.config("socket", "", "", "", new String[0], new String[0])).offReason(true))
                .startsWith("off (no bot token");
        assertThatThrownBy(() -> SlackSettings.apiRoot("ftp://x")).hasMessageContaining("http(s) URL");
        assertThat(SlackSettings.masked("xoxb-1111-secret")).isEqualTo("xoxb-… secret part hidden");
    }
}
