package org.openpista.core.internal;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.openpista.api.channel.InboundMessage;
import org.openpista.api.chat.Attachment;

/**
 * The one check every channel's attachments pass before anything is stored: each must be an image
 * (PNG, JPEG, GIF, WebP), a UTF-8 text file, a PDF or a recording (Ogg, MP3, M4A, WAV, WebM, FLAC:
 * voice notes) whose bytes say what it is, within the size limit. Types are taken from the content, not from what the sender claimed (a phone's {@code
 * image/jpg} or a document's {@code application/octet-stream}); a file whose content contradicts
 * its claimed image type is refused as malformed.
 */
final class InboundMedia {

    /** Attachments one message may carry. */
    static final int MAX_COUNT = 8;

    private InboundMedia() {}

    /**
     * @param message a message from a channel
     * @param maxBytes the largest attachment taken
     * @return the message with every attachment's type set from its content
     * @throws IllegalArgumentException with a message for the sender when an attachment is refused
     */
    static InboundMessage checked(InboundMessage message, long maxBytes) {
        if (message.attachments().isEmpty()) {
            return message;
        }
        if (message.attachments().size() > MAX_COUNT) {
            throw new IllegalArgumentException("at most " + MAX_COUNT + " attachments per message, not "
                    + message.attachments().size());
        }
        List<Attachment> checked = new ArrayList<>();
        for (Attachment attachment : message.attachments()) {
            checked.add(check(attachment, maxBytes));
        }
        return new InboundMessage(message.channel(), message.conversationKey(), message.sessionId(),
                message.senderId(), message.text(), checked, message.metadata());
    }

    private static Attachment check(Attachment attachment, long maxBytes) {
        String label = attachment.name().isBlank() ? "the attachment" : "\"" + attachment.name() + "\"";
        if (attachment.size() == 0) {
            throw new IllegalArgumentException(label + " is empty");
        }
        if (attachment.size() > maxBytes) {
            throw new IllegalArgumentException(label + " is too large: " + megabytes(attachment.size())
                    + " MB, the limit is " + megabytes(maxBytes) + " MB ([agent] max_attachment_mb)");
        }
        byte[] data = attachment.data();
        String claimed = attachment.mimeType().toLowerCase(Locale.ROOT).strip();
        String sniffed = sniff(data);
        if (sniffed == null && claimed.startsWith("audio/")) {
            sniffed = sniffContainer(data);
        }
        if (sniffed != null) {
            return sniffed.equals(claimed) ? attachment : new Attachment(sniffed, attachment.name(), data);
        }
        if (claimed.startsWith("image/")) {
            throw new IllegalArgumentException(label + " is not a valid image: its content is not PNG, JPEG, GIF or WebP");
        }
        if (claimed.startsWith("audio/")) {
            throw new IllegalArgumentException(label + " is not a recording openpista can read: its content is not Ogg, MP3,"
                    + " M4A, WAV, WebM or FLAC");
        }
        if ((claimed.startsWith("text/") || claimed.equals("application/json") || claimed.isEmpty()
                || claimed.equals("application/octet-stream")) && isText(data)) {
            String type = claimed.startsWith("text/") || claimed.equals("application/json") ? claimed : "text/plain";
            return type.equals(claimed) ? attachment : new Attachment(type, attachment.name(), data);
        }
        throw new IllegalArgumentException(label + " (" + (claimed.isEmpty() ? "unknown type" : claimed)
                + ") cannot be read: send images (PNG, JPEG, GIF, WebP), UTF-8 text files, PDFs or voice notes");
    }

    /** @return the type the bytes announce, or {@code null} when they are none of the binary types taken */
    static String sniff(byte[] data) {
        if (starts(data, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return "image/png";
        }
        if (starts(data, 0, 0xFF, 0xD8, 0xFF)) {
            return "image/jpeg";
        }
        if (starts(data, 0, 'G', 'I', 'F', '8', '7', 'a') || starts(data, 0, 'G', 'I', 'F', '8', '9', 'a')) {
            return "image/gif";
        }
        if (starts(data, 0, 'R', 'I', 'F', 'F') && starts(data, 8, 'W', 'E', 'B', 'P')) {
            return "image/webp";
        }
        if (starts(data, 0, '%', 'P', 'D', 'F', '-')) {
            return "application/pdf";
        }
        if (starts(data, 0, 'O', 'g', 'g', 'S')) {
            return "audio/ogg";
        }
        if (starts(data, 0, 'R', 'I', 'F', 'F') && starts(data, 8, 'W', 'A', 'V', 'E')) {
            return "audio/wav";
        }
        if (starts(data, 0, 'f', 'L', 'a', 'C')) {
            return "audio/flac";
        }
        if (starts(data, 0, 'I', 'D', '3') || data.length > 2 && (data[0] & 0xFF) == 0xFF && (data[1] & 0xE6) == 0xE2) {
            return "audio/mpeg"; // an ID3 tag, or an MPEG audio frame (layer III) straight away
        }
        return null;
    }

    /**
     * @return the type of a recording in a container that also holds video (MP4, WebM), taken as
     *     audio only when the sender said it is audio; {@code null} otherwise
     */
    static String sniffContainer(byte[] data) {
        if (starts(data, 4, 'f', 't', 'y', 'p')) {
            return "audio/mp4";
        }
        if (starts(data, 0, 0x1A, 0x45, 0xDF, 0xA3)) {
            return "audio/webm";
        }
        return null;
    }

    private static boolean starts(byte[] data, int offset, int... signature) {
        if (data.length < offset + signature.length) {
            return false;
        }
        for (int i = 0; i < signature.length; i++) {
            if ((data[offset + i] & 0xFF) != signature[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean isText(byte[] data) {
        for (byte b : data) {
            if (b == 0) {
                return false;
            }
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(data));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / (1024.0 * 1024.0));
    }
}
