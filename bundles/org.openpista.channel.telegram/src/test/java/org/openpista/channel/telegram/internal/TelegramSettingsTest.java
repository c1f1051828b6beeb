package org.openpista.channel.telegram.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.openpista.channel.telegram.internal.TelegramChannelTest.config;

import org.junit.jupiter.api.Test;

/** [channels.telegram] as the channel and the telegram command read it. */
class TelegramSettingsTest {

    @Test
    void theDaemonsDecisionComesFirstThenTheTokenThenTheUrls() {
        TelegramSettings settings = TelegramSettings.from(config(false, " 1:abc ", "", 3, 1, 3));

        assertThat(settings.offReason(false)).isEqualTo("off ([channels.telegram] enabled = false)");
        assertThat(settings.offReason(true)).isNull();
        assertThat(settings.token()).isEqualTo("1:abc");
        assertThat(settings.allowedUsers()).containsExactly(3L, 1L);
        assertThat(settings.api()).isEqualTo(TelegramSettings.DEFAULT_API);
        assertThat(settings.webhookMode()).isFalse();

        assertThat(TelegramSettings.from(config(true, "", "")).offReason(true)).startsWith("off (no token");
        assertThat(TelegramSettings.from(config(true, "1:abc", "http://127.0.0.1:9/bot")).offReason(true))
                .isEqualTo("off (api_url must be the Bot API root without a path, not http://127.0.0.1:9/bot)");
        assertThat(TelegramSettings.from(config(true, "1:abc", "", "ftp://hook", "", 1)).offReason(true))
                .isEqualTo("off (webhook_url must be an https:// URL, not ftp://hook)");
    }

    @Test
    void webhookModeKeepsItsUrlAndSecret() {
        TelegramSettings settings = TelegramSettings.from(config(true, "1:abc", "http://127.0.0.1:8081",
                "https://bot.example.org/webhooks/telegram", "s3cret_-", 1));

        assertThat(settings.webhookMode()).isTrue();
        assertThat(settings.webhookUrl()).isEqualTo("https://bot.example.org/webhooks/telegram");
        assertThat(settings.webhookSecret()).isEqualTo("s3cret_-");
        assertThat(settings.api()).isEqualTo("http://127.0.0.1:8081");
        assertThat(settings.url().getPort()).isEqualTo(8081);
        assertThat(settings.problem()).isNull();
    }

    @Test
    void apiUrlsAreRootsOfHttpServers() {
        assertThat(TelegramSettings.telegramUrl("https://api.example.org").getPort()).isEqualTo(443);
        assertThat(TelegramSettings.telegramUrl("http://api.example.org/").getPort()).isEqualTo(80);
        assertThatThrownBy(() -> TelegramSettings.telegramUrl("ftp://x")).hasMessageContaining("http(s)://host");
        assertThat(TelegramSettings.webhookProblem("https://h/x", "with spaces")).startsWith("webhook_secret may only hold");
    }
}
