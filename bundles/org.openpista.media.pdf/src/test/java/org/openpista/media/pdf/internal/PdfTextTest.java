package org.openpista.media.pdf.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.junit.jupiter.api.Test;
import org.openpista.api.chat.Attachment;

class PdfTextTest {

    /** @return a real PDF of one page per line, written by PDFBox */
    static byte[] pdf(String... pages) throws IOException {
        try (PDDocument document = new PDDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            PDType1Font font = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
            for (String line : pages) {
                PDPage page = new PDPage();
                document.addPage(page);
                try (PDPageContentStream content = new PDPageContentStream(document, page)) {
                    content.beginText();
                    content.setFont(font, 12);
                    content.newLineAtOffset(72, 700);
                    content.showText(line);
                    content.endText();
                }
            }
            document.save(out);
            return out.toByteArray();
        }
    }

    @Test
    void theTextOfEveryPageComesOut() throws IOException {
        byte[] bytes = pdf("Invoice 2026-117", "Total due: 420 EUR");

        String text = new PdfText().text(new Attachment("application/pdf", "invoice.pdf", bytes), 10_000);

        assertThat(text).contains("Invoice 2026-117").contains("Total due: 420 EUR");
        assertThat(text.indexOf("Invoice")).isLessThan(text.indexOf("Total"));
    }

    @Test
    void theBudgetCutsTheText() throws IOException {
        byte[] bytes = pdf("A".repeat(60), "never read");

        String text = new PdfText().text(new Attachment("application/pdf", "a.pdf", bytes), 20);

        assertThat(text).isEqualTo("A".repeat(20));
    }

    @Test
    void aDamagedPdfIsRefusedWithItsName() {
        byte[] broken = "%PDF-1.7\nthis is not the rest of a PDF".getBytes(StandardCharsets.ISO_8859_1);

        assertThatThrownBy(() -> new PdfText().text(new Attachment("application/pdf", "scan.pdf", broken), 100))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("\"scan.pdf\" is not a readable PDF");
    }
}
