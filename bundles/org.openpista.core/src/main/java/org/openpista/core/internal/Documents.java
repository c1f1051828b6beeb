package org.openpista.core.internal;

import java.util.function.Function;
import org.openpista.api.channel.InboundMessage;
import org.openpista.api.chat.Attachment;
import org.openpista.api.chat.DocumentReader;

/**
 * Documents (PDFs) become text when their message arrives, before it is stored: the reader
 * registered for the type writes the text into the message, within {@link #BUDGET} characters per
 * message, so it is read once and the model finds it in every later turn too. Without a reader the
 * text gets a note naming what to install; a document the reader refuses refuses the message, with
 * the reader's message for the sender. The document stays attached; providers send no PDF.
 */
final class Documents {

    /** The document types the agent turns into text. */
    static final String PDF = "application/pdf";

    /** Characters of document text per message; the rest is cut with a note. */
    static final int BUDGET = 60_000;

    private Documents() {}

    /**
     * @param message a message whose attachment types were set from their content
     * @param readers the reader of a type, or {@code null} when none is registered
     * @return the message with the documents' text in it; the same message when it has none
     * @throws IllegalArgumentException when a reader refuses a document
     */
    static InboundMessage read(InboundMessage message, Function<String, DocumentReader> readers) {
        if (message.attachments().stream().noneMatch(Documents::isDocument)) {
            return message;
        }
        StringBuilder text = new StringBuilder(message.text());
        int budget = BUDGET;
        for (Attachment document : message.attachments()) {
            if (!isDocument(document)) {
                continue;
            }
            String label = (document.name().isBlank() ? "document" : document.name()) + " (" + document.mimeType() + ")";
            if (!text.isEmpty()) {
                text.append("\n\n");
            }
            DocumentReader reader = readers.apply(document.mimeType());
            if (reader == null) {
                text.append("[The user attached ").append(label).append(", but no reader for it is installed (the media"
                        + " feature reads PDFs), so its text is not shown.]");
                continue;
            }
            if (budget <= 0) {
                text.append("[Attached file ").append(label).append(": not shown, the text budget of this message is spent]");
                continue;
            }
            // one character more than the budget tells a cut text from one that just fits
            String read = reader.text(document, budget + 1);
            String part = read.length() <= budget ? read : read.substring(0, budget);
            budget -= part.length();
            text.append("[Attached file ").append(label).append(", its text:]\n").append(part);
            if (part.length() < read.length()) {
                text.append("\n[… cut: the text goes on beyond ").append(BUDGET).append(" characters]");
            }
        }
        return new InboundMessage(message.channel(), message.conversationKey(), message.sessionId(), message.senderId(),
                text.toString(), message.attachments(), message.metadata());
    }

    private static boolean isDocument(Attachment attachment) {
        return PDF.equals(attachment.mimeType());
    }
}
