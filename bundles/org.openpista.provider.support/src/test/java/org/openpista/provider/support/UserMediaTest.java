package org.openpista.provider.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openpista.api.chat.Attachment;
import org.openpista.api.chat.ChatMessage;

class UserMediaTest {

    static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10};

    @Test
    void recordingsAndPdfsAddNothingTheAgentPutTheirTextInTheMessage() {
        ChatMessage message = ChatMessage.user("[Voice note, transcribed:] hello\n\n[Attached file a.pdf (application/pdf),"
                + " its text:]\nTotal").withAttachments(List.of(new Attachment("audio/ogg", "voice.ogg", new byte[] {1}),
                        new Attachment("application/pdf", "a.pdf", new byte[] {2}), new Attachment("image/png", "p.png", PNG)));

        UserMedia.Parts parts = UserMedia.of(message, "gpt-4o");

        assertThat(parts.text()).isEqualTo(message.content());
        assertThat(parts.images()).extracting(Attachment::name).containsExactly("p.png");
    }

    @Test
    void otherFilesStillGetANote() {
        ChatMessage message = ChatMessage.user("look").withAttachments(List.of(
                new Attachment("application/zip", "a.zip", "PK".getBytes(StandardCharsets.US_ASCII))));

        assertThat(UserMedia.of(message, "gpt-4o").text())
                .isEqualTo("look\n\n[The user attached a.zip (application/zip), 2 bytes, which cannot be shown to the model.]");
    }
}
