package org.openpista.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openpista.api.channel.InboundMessage;
import org.openpista.api.chat.Attachment;

class InboundMediaTest {

    static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13};
    static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 16};

    static InboundMessage with(Attachment... attachments) {
        return new InboundMessage("web", "web:c", "s", "c", "look", List.of(attachments), Map.of());
    }

    @Test
    void aMessageWithoutAttachmentsPassesUnchanged() {
        InboundMessage message = InboundMessage.text("cli", "cli:x", "s", "hi");
        assertThat(InboundMedia.checked(message, 10)).isSameAs(message);
    }

    @Test
    void typesComeFromTheContentNotFromTheClaim() {
        InboundMessage checked = InboundMedia.checked(with(new Attachment("image/jpg", "a.jpg", JPEG),
                new Attachment("application/octet-stream", "b", PNG),
                new Attachment("application/octet-stream", "notes", "héllo".getBytes(StandardCharsets.UTF_8))), 1024);

        assertThat(checked.attachments()).extracting(Attachment::mimeType)
                .containsExactly("image/jpeg", "image/png", "text/plain");
        assertThat(checked.attachments().get(1).data()).isEqualTo(PNG);
        assertThat(checked.text()).isEqualTo("look");
    }

    @Test
    void anImageWhoseBytesAreNoImageIsRefusedAsMalformed() {
        assertThatThrownBy(() -> InboundMedia.checked(with(new Attachment("image/png", "x.png",
                "<html>".getBytes(StandardCharsets.UTF_8))), 1024))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("\"x.png\" is not a valid image: its content is not PNG, JPEG, GIF or WebP");
    }

    @Test
    void tooLargeEmptyAndUnreadableFilesAreRefused() {
        assertThatThrownBy(() -> InboundMedia.checked(with(new Attachment("image/png", "big.png", new byte[2048])), 1024))
                .hasMessageContaining("\"big.png\" is too large").hasMessageContaining("max_attachment_mb");
        assertThatThrownBy(() -> InboundMedia.checked(with(new Attachment("image/png", "e.png", new byte[0])), 1024))
                .hasMessage("\"e.png\" is empty");
        assertThatThrownBy(() -> InboundMedia.checked(with(new Attachment("application/zip", "a.zip",
                new byte[] {'P', 'K', 3, 4, 0})), 1024))
                .hasMessageContaining("cannot be read");
    }

    @Test
    void moreThanEightAttachmentsAreRefused() {
        Attachment one = new Attachment("image/png", "p.png", PNG);
        Attachment[] nine = java.util.Collections.nCopies(9, one).toArray(Attachment[]::new);
        assertThatThrownBy(() -> InboundMedia.checked(with(nine), 1024)).hasMessageContaining("at most 8");
    }
}
