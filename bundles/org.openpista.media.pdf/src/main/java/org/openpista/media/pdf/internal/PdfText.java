package org.openpista.media.pdf.internal;

import java.io.IOException;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.pdfbox.text.PDFTextStripper;
import org.openpista.api.chat.Attachment;
import org.openpista.api.chat.DocumentReader;
import org.osgi.service.component.annotations.Component;

/**
 * The text of a PDF a user sent, page by page until the budget is spent, through Apache PDFBox. The
 * component is delayed and PDFBox's classes load on the first PDF, so the bundle costs nothing
 * until one arrives. A damaged, password-protected or copy-protected PDF is refused with a
 * message for the sender.
 */
@Component(service = DocumentReader.class, property = DocumentReader.TYPES + "=application/pdf")
public class PdfText implements DocumentReader {

    @Override
    public String text(Attachment document, int maxChars) {
        String label = document.name().isBlank() ? "the PDF" : "\"" + document.name() + "\"";
        try (PDDocument pdf = Loader.loadPDF(document.data())) {
            if (!pdf.getCurrentAccessPermission().canExtractContent()) {
                throw new IllegalArgumentException(label + " does not allow copying its text");
            }
            PDFTextStripper stripper = new PDFTextStripper();
            StringBuilder text = new StringBuilder();
            for (int page = 1; page <= pdf.getNumberOfPages() && text.length() < maxChars; page++) {
                stripper.setStartPage(page);
                stripper.setEndPage(page);
                text.append(stripper.getText(pdf));
            }
            String all = text.toString().strip();
            return all.length() <= maxChars ? all : all.substring(0, maxChars);
        } catch (InvalidPasswordException e) {
            throw new IllegalArgumentException(label + " is protected by a password");
        } catch (IOException e) {
            throw new IllegalArgumentException(label + " is not a readable PDF: " + e.getMessage());
        }
    }
}
