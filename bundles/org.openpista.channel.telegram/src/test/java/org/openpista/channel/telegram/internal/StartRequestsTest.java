package org.openpista.channel.telegram.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.telegram.telegrambots.meta.api.methods.GetMe;
import org.telegram.telegrambots.meta.api.methods.updates.DeleteWebhook;
import org.telegram.telegrambots.meta.exceptions.TelegramApiRequestException;

/** {@link MeRequest} and {@link WebhookDeletion} read what telegrambots reads, without its bean deserializers. */
class StartRequestsTest {

    private static final String ME = "{\"ok\":true,\"result\":{\"id\":7000000001,\"is_bot\":true,\"first_name\":\"Pista\","
            + "\"username\":\"openpista_bot\",\"can_join_groups\":true,\"can_read_all_group_messages\":false,"
            + "\"supports_inline_queries\":false,\"can_connect_to_business\":false,\"has_main_web_app\":false,"
            + "\"some_future_field\":{\"x\":1}}}";

    @Test
    void theBotsUserIsTheOneTelegrambotsReads() throws Exception {
        assertThat(new MeRequest().deserializeResponse(ME)).isEqualTo(new GetMe().deserializeResponse(ME));
        String minimal = "{\"ok\":true,\"result\":{\"id\":5,\"is_bot\":true,\"first_name\":\"B\",\"last_name\":null}}";
        assertThat(new MeRequest().deserializeResponse(minimal)).isEqualTo(new GetMe().deserializeResponse(minimal));
    }

    @Test
    void unexpectedTypesAndErrorsAreReadByTelegrambots() throws Exception {
        String quoted = "{\"ok\":true,\"result\":{\"id\":\"5\",\"is_bot\":true,\"first_name\":\"B\",\"is_premium\":\"true\"}}";
        assertThat(new MeRequest().deserializeResponse(quoted)).isEqualTo(new GetMe().deserializeResponse(quoted));
        String refused = "{\"ok\":false,\"error_code\":401,\"description\":\"Unauthorized\"}";
        assertThatThrownBy(() -> new MeRequest().deserializeResponse(refused)).isInstanceOf(TelegramApiRequestException.class)
                .extracting(e -> ((TelegramApiRequestException) e).getErrorCode()).isEqualTo(401);
        assertThatThrownBy(() -> new MeRequest().deserializeResponse("<html>bad gateway</html>"))
                .isInstanceOf(TelegramApiRequestException.class);
        assertThatThrownBy(() -> new WebhookDeletion().deserializeResponse(refused))
                .isInstanceOf(TelegramApiRequestException.class);
    }

    @Test
    void deletingTheWebhookIsReadAsTelegrambotsReadsIt() throws Exception {
        String done = "{\"ok\":true,\"result\":true,\"description\":\"Webhook is already deleted\"}";
        assertThat(new WebhookDeletion().deserializeResponse(done)).isTrue();
        assertThat(new WebhookDeletion().deserializeResponse("{\"ok\":true,\"result\":false}"))
                .isEqualTo(new DeleteWebhook().deserializeResponse("{\"ok\":true,\"result\":false}"));
    }

    @Test
    void theRequestsAreWrittenAsTelegrambotsWritesThem() throws Exception {
        ObjectMapper json = new ObjectMapper();
        assertThat(json.writeValueAsString(new MeRequest())).isEqualTo(json.writeValueAsString(new GetMe()));
        assertThat(json.writeValueAsString(new WebhookDeletion())).isEqualTo(json.writeValueAsString(new DeleteWebhook()));
        assertThat(new MeRequest().json()).isEqualTo(json.writeValueAsString(new GetMe()));
        assertThat(new WebhookDeletion().json()).isEqualTo(json.writeValueAsString(new DeleteWebhook()));
        WebhookDeletion dropping = new WebhookDeletion();
        dropping.setDropPendingUpdates(true);
        assertThat(dropping.json()).as("left to Jackson").isNull();
        assertThat(new MeRequest().getMethod()).isEqualTo(new GetMe().getMethod());
        assertThat(new WebhookDeletion().getMethod()).isEqualTo(new DeleteWebhook().getMethod());
    }
}
