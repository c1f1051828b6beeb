package org.openpista.channel.telegram.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.telegram.telegrambots.meta.exceptions.TelegramApiRequestException;

class UpdatesRequestTest {

    private final UpdatesRequest request = new UpdatesRequest(7, 100, 30, List.of("message"));

    @Test
    void anEmptyAnswerIsNoUpdates() throws Exception {
        assertThat(request.deserializeResponse("{\"ok\":true,\"result\":[]}")).isEmpty();
        assertThat(request.deserializeResponse(" { \"ok\" : true , \"result\" : [ ] }\n")).isEmpty();
    }

    @Test
    void updatesAndErrorsAreReadAsTelegrambotsReadsThem() throws Exception {
        assertThat(request.deserializeResponse("{\"ok\":true,\"result\":[{\"update_id\":7,\"message\":{\"message_id\":1,"
                + "\"date\":1,\"chat\":{\"id\":5,\"type\":\"private\"},\"text\":\"hi\"}}]}"))
                .singleElement()
                .satisfies(update -> assertThat(update.getMessage().getText()).isEqualTo("hi"));
        assertThatThrownBy(() -> request.deserializeResponse("{\"ok\":false,\"error_code\":409,\"description\":\"Conflict\"}"))
                .isInstanceOf(TelegramApiRequestException.class);
    }

    @Test
    void theRequestIsWrittenAsTelegrambotsWritesIt() throws Exception {
        ObjectMapper json = new ObjectMapper();
        String telegrambots = json.writeValueAsString(org.telegram.telegrambots.meta.api.methods.updates.GetUpdates.builder()
                .offset(7).limit(100).timeout(30).allowedUpdates(List.of("message")).build());
        assertThat(json.writeValueAsString(request)).isEqualTo(telegrambots);
        assertThat(request.json()).isEqualTo(telegrambots);
        UpdatesRequest odd = new UpdatesRequest(-1, 1, 0, List.of("a\"b", "\u00e9\n", ""));
        odd.setLimit(null);
        assertThat(odd.json()).isEqualTo(json.writeValueAsString(odd));
        assertThat(json.readTree(odd.json())).isEqualTo(json.readTree(json.writeValueAsString(odd)));
        UpdatesRequest none = new UpdatesRequest(0, 100, 30, List.of());
        none.setAllowedUpdates(null);
        assertThat(none.json()).isEqualTo(json.writeValueAsString(none));
    }
}
