package org.openpista.channel.whatsapp.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import org.openpista.api.chat.Attachment;

/**
 * Photos, files and voice notes on WhatsApp, for both modes: what is taken, the limit, the words
 * for what is not, and the bridge's downloaded files (read once, then deleted). The agent checks
 * every attachment's content itself and refuses, with a sentence for the sender, what it cannot
 * take.
 */
final class WhatsAppMedia {

    /** The largest file fetched; the agent's own limit ({@code [agent] max_attachment_mb}) applies after. */
    static final long MAX_BYTES = 20L * 1024 * 1024;
    /** The folder of the session folder where the bridge puts downloaded media. */
    static final String INBOX = "media-in";

    static final String UNREADABLE = "I can read text, photos, voice notes and files (images, text files, PDFs); "
            + "videos, stickers and other kinds of messages are not read.";

    /**
     * Kinds fetched and handed to the agent. Voice notes and audio go as recordings: the agent
     * transcribes them where its provider can, and otherwise says so to the sender.
     */
    private static final Set<String> TAKEN = Set.of("image", "document", "voice", "audio");
    /** Image types WhatsApp shows as image messages. */
    private static final Set<String> IMAGE_MESSAGE_TYPES = Set.of("image/png", "image/jpeg");

    private WhatsAppMedia() {}

    /** @return whether media of this kind go to the agent (images, documents, voice notes, audio) */
    static boolean taken(String kind) {
        return TAKEN.contains(kind);
    }

    /** @return whether WhatsApp sends this attachment as an image message */
    static boolean sendableImage(Attachment attachment) {
        return IMAGE_MESSAGE_TYPES.contains(attachment.mimeType().toLowerCase(Locale.ROOT));
    }

    /** @return a file name for an attachment without one */
    static String defaultName(String kind, String mimeType) {
        String type = mimeType.toLowerCase(Locale.ROOT);
        if (kind.equals("voice")) {
            return "voice.ogg"; // WhatsApp records voice notes as Opus in Ogg
        }
        String extension = type.startsWith("image/png") ? "png" : type.startsWith("image/jpeg") ? "jpg"
                : type.startsWith("image/webp") ? "webp" : type.startsWith("application/pdf") ? "pdf"
                : type.startsWith("text/") ? "txt" : type.startsWith("audio/ogg") ? "ogg"
                : type.startsWith("audio/mpeg") ? "mp3" : type.startsWith("audio/mp4") ? "m4a" : "bin";
        return (kind.equals("image") ? "photo" : kind.equals("audio") ? "audio" : "file") + "." + extension;
    }

    /** @return the size in megabytes, one decimal */
    static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / (1024.0 * 1024.0));
    }

    /** @return the sentence for a file over {@link #MAX_BYTES} */
    static String tooLarge(long bytes) {
        return "the file is too large (" + megabytes(bytes) + " MB; at most " + MAX_BYTES / (1024 * 1024)
                + " MB are taken)";
    }

    /**
     * Reads a file the bridge downloaded and deletes it.
     *
     * @param sessionDir the bridge's session folder
     * @param file the file as the bridge named it, relative to the session folder
     * @throws IOException with a sentence for the sender when the file is missing, outside the
     *     bridge's media folder, or too large
     */
    static byte[] takeBridgeFile(Path sessionDir, String file) throws IOException {
        Path inbox = sessionDir.resolve(INBOX).toAbsolutePath().normalize();
        Path path = sessionDir.resolve(file).toAbsolutePath().normalize();
        if (!inbox.equals(path.getParent())) {
            // the bridge is ours, but a path outside its folder is never read
            throw new IOException("the bridge named a file outside " + INBOX + "; it was not read");
        }
        try {
            if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException("the bridge's file of the message is missing");
            }
            long size = Files.size(path);
            if (size > MAX_BYTES) {
                throw new IOException(tooLarge(size));
            }
            try (InputStream in = Files.newInputStream(path, LinkOption.NOFOLLOW_LINKS)) {
                byte[] data = in.readNBytes((int) MAX_BYTES + 1);
                if (data.length > MAX_BYTES) {
                    throw new IOException(tooLarge(data.length));
                }
                return data;
            }
        } finally {
            Files.deleteIfExists(path);
        }
    }

    /** Deletes a file the bridge downloaded without reading it (a sender who is not allowed, a kind not taken). */
    static void discardBridgeFile(Path sessionDir, String file) {
        if (file == null || file.isEmpty()) {
            return;
        }
        Path inbox = sessionDir.resolve(INBOX).toAbsolutePath().normalize();
        Path path = sessionDir.resolve(file).toAbsolutePath().normalize();
        if (inbox.equals(path.getParent())) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                // left for the next start's cleanup
            }
        }
    }

    /** Deletes what a previous run of the bridge left in its media folder. */
    static void clearInbox(Path sessionDir) {
        Path inbox = sessionDir.resolve(INBOX);
        if (!Files.isDirectory(inbox, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var files = Files.list(inbox)) {
            files.forEach(file -> {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    // tried again at the next start
                }
            });
        } catch (IOException e) {
            // tried again at the next start
        }
    }
}
