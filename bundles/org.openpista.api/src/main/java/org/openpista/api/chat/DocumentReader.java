package org.openpista.api.chat;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Turns a document a user sent (a PDF, say) into text for the model. The agent asks the reader
 * registered for an attachment's type when the message arrives, before it is stored, and adds the
 * text to the message; without a reader for the type the model gets a note instead.
 *
 * <p>Registered as a service with the property {@value #TYPES} listing the media types it reads.
 */
@ConsumerType
public interface DocumentReader {

    /** Service property: the media types read, for example {@code application/pdf}. */
    String TYPES = "document.types";

    /**
     * Reads a document's text.
     *
     * @param document the document, its type checked against its content
     * @param maxChars the most characters wanted; reading may stop once they are there
     * @return the text, at most {@code maxChars} characters
     * @throws IllegalArgumentException with a message for the sender when the document cannot be
     *     read (damaged, protected by a password)
     */
    String text(Attachment document, int maxChars);
}
