package org.openpista.channel.web.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openpista.api.chat.Attachment;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.chat.ToolCall;

class FramesTest {

    @Test
    void toolImagesTravelAsAttachments() {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};
        ChatMessage tool = ChatMessage.toolResult(new ToolCall("c1", "screen.capture", "{}"),
                        "{\"image\":{\"data_b64\":\"[7 bytes, shown to the user as an image]\"}}", false)
                .withAttachments(List.of(new Attachment("image/png", "shot.png", png)));
        JsonNode history = Frames.history("s", List.of(ChatMessage.user("look"), tool));
        JsonNode item = history.path("messages").get(1);
        assertThat(item.path("attachments").get(0).path("mime_type").asText()).isEqualTo("image/png");
        assertThat(Base64.getDecoder().decode(item.path("attachments").get(0).path("data_b64").asText())).isEqualTo(png);
    }

    @Test
    void historyCarriesToolCallsAndSkipsSystemMessages() {
        ChatMessage call = ChatMessage.assistant("", List.of(new ToolCall("c1", "system.run", "{\"command\":\"ls\"}")));
        JsonNode history = Frames.history("s", List.of(ChatMessage.system("secret prompt"), call));
        assertThat(history.path("messages")).hasSize(1);
        assertThat(history.path("messages").get(0).path("tool_calls").get(0).path("arguments").path("command").asText()).isEqualTo("ls");
    }
}
