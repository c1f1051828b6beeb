package org.openpista.channel.discord.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DiscordSettingsTest {

    @Test
    void urlsDefaultsAndWhatIsMissing() {
        DiscordSettings defaults = DiscordSettings.from(DiscordConfigs.config("", "", "", new String[] {" 1 ", "1", ""},
                new String[0]));
        assertThat(defaults.apiUrl()).isEqualTo(DiscordSettings.DEFAULT_API);
        assertThat(defaults.gatewayUrl()).isEqualTo(DiscordSettings.DEFAULT_GATEWAY);
        assertThat(defaults.allowedUsers()).containsExactly("1");
        assertThat(defaults.allowsGuild("42")).isTrue();
        assertThat(defaults.offReason(true)).startsWith("off (no token");
        assertThat(defaults.offReason(false)).isEqualTo("off ([channels.discord] enabled = false)");

        DiscordSettings local = DiscordSettings.from(DiscordConfigs.config(DiscordConfigs.TOKEN, "http://127.0.0.1:9/api/v10/",
                "ws://127.0.0.1:9/", new String[0], new String[] {"7"}));
        assertThat(local.offReason(true)).isNull();
        assertThat(local.apiUrl()).isEqualTo("http://127.0.0.1:9/api/v10");
        assertThat(local.gatewayUrl()).isEqualTo("ws://127.0.0.1:9");
        assertThat(local.allowsGuild("8")).isFalse();

        assertThat(DiscordSettings.from(DiscordConfigs.config(DiscordConfigs.TOKEN, "", "http://gateway", new String[0],
                new String[0])).offReason(true)).isEqualTo("off (gateway_url must be a ws/wss URL, not http://gateway)");
        assertThat(DiscordSettings.masked(DiscordConfigs.TOKEN)).isEqualTo("bot id 1100000000000000001, secret part hidden");
        assertThat(DiscordChannel.botId(DiscordConfigs.TOKEN)).isEqualTo("1100000000000000001");
        assertThat(DiscordChannel.botId("garbage")).isEqualTo("bot");
    }
}
