package org.openpista.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openpista.api.channel.InboundMessage;
import org.openpista.api.chat.Attachment;
import org.openpista.api.chat.DocumentReader;

class DocumentsTest {

    static final byte[] PDF = "%PDF-1.7\n...".getBytes(StandardCharsets.ISO_8859_1);

    static InboundMessage with(Attachment... attachments) {
        return InboundMedia.checked(new InboundMessage("web", "web:c", "s", "c", "summarise", List.of(attachments), Map.of()), 1024);
    }

    @Test
    void aMessageWithoutDocumentsIsLeftAlone() {
        InboundMessage message = InboundMessage.text("web", "web:c", "s", "hi");
        assertThat(Documents.read(message, type -> {
            throw new AssertionError("no reader needed");
        })).isSameAs(message);
    }

    @Test
    void theTextJoinsTheMessageAndTheDocumentStaysAttached() {
        DocumentReader reader = (document, max) -> "Total due: 420 EUR";

        InboundMessage read = Documents.read(with(new Attachment("application/octet-stream", "invoice.pdf", PDF)),
                type -> type.equals("application/pdf") ? reader : null);

        assertThat(read.text()).isEqualTo("summarise\n\n[Attached file invoice.pdf (application/pdf), its text:]\nTotal due: 420 EUR");
        assertThat(read.attachments()).extracting(Attachment::mimeType).containsExactly("application/pdf");
    }

    @Test
    void aLongTextIsCutAtTheBudgetWithANote() {
        DocumentReader reader = (document, max) -> "x".repeat(max);

        String text = Documents.read(with(new Attachment("application/pdf", "big.pdf", PDF)), type -> reader).text();

        assertThat(text).contains("x".repeat(Documents.BUDGET) + "\n[… cut: the text goes on beyond 60000 characters]")
                .doesNotContain("x".repeat(Documents.BUDGET + 1));
    }

    @Test
    void withoutAReaderTheModelGetsANote() {
        String text = Documents.read(with(new Attachment("application/pdf", "a.pdf", PDF)), type -> null).text();

        assertThat(text).isEqualTo("summarise\n\n[The user attached a.pdf (application/pdf), but no reader for it is installed"
                + " (the media feature reads PDFs), so its text is not shown.]");
    }

    @Test
    void aRefusalOfTheReaderRefusesTheMessage() {
        DocumentReader reader = (document, max) -> {
            throw new IllegalArgumentException("\"a.pdf\" is protected by a password");
        };

        assertThatThrownBy(() -> Documents.read(with(new Attachment("application/pdf", "a.pdf", PDF)), type -> reader))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("\"a.pdf\" is protected by a password");
    }
}
