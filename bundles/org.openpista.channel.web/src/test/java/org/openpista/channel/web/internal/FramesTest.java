package org.openpista.channel.web.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openpista.api.chat.Attachment;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.chat.ToolCall;

class FramesTest {

    @Test
    void base64InAToolResultIsShownAsAnImageNotAsText() {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};
        String result = "{\"ok\":true,\"image\":{\"mime_type\":\"image/png\",\"data_b64\":\""
                + Base64.getEncoder().encodeToString(png) + "\"}}";
        ChatMessage tool = ChatMessage.toolResult(new ToolCall("c1", "screen.capture", "{}"), result, false);
        JsonNode history = Frames.history("s", List.of(ChatMessage.user("look"), tool));
        JsonNode item = history.path("messages").get(1);
        assertThat(item.path("content").asText()).doesNotContain(Base64.getEncoder().encodeToString(png))
                .contains("[7 bytes, shown as an image]");
        assertThat(item.path("attachments").get(0).path("mime_type").asText()).isEqualTo("image/png");
        assertThat(Base64.getDecoder().decode(item.path("attachments").get(0).path("data_b64").asText())).isEqualTo(png);
    }

    @Test
    void otherContentIsLeftAlone() {
        List<Attachment> none = new ArrayList<>();
        assertThat(Frames.withoutBase64("plain data_b64 text", none)).isEqualTo("plain data_b64 text");
        assertThat(Frames.withoutBase64("{\"data_b64\": 5}", none)).isEqualTo("{\"data_b64\": 5}");
        assertThat(Frames.withoutBase64("{\"data_b64\": \"***\"}", none)).isEqualTo("{\"data_b64\": \"***\"}");
        assertThat(none).isEmpty();
    }

    @Test
    void historyCarriesToolCallsAndSkipsSystemMessages() {
        ChatMessage call = ChatMessage.assistant("", List.of(new ToolCall("c1", "system.run", "{\"command\":\"ls\"}")));
        JsonNode history = Frames.history("s", List.of(ChatMessage.system("secret prompt"), call));
        assertThat(history.path("messages")).hasSize(1);
        assertThat(history.path("messages").get(0).path("tool_calls").get(0).path("arguments").path("command").asText()).isEqualTo("ls");
    }
}
