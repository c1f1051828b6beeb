package org.openpista.channel.telegram.internal;

import java.util.Comparator;
import java.util.List;
import org.openpista.api.chat.Attachment;
import org.telegram.telegrambots.meta.api.objects.Audio;
import org.telegram.telegrambots.meta.api.objects.Document;
import org.telegram.telegrambots.meta.api.objects.Voice;
import org.telegram.telegrambots.meta.api.objects.message.Message;
import org.telegram.telegrambots.meta.api.objects.photo.PhotoSize;

/**
 * Photos, documents, voice notes and audio files users send, fetched from Telegram's file server ({@code getFile}, then the
 * download) and handed to the agent as attachments; the agent checks their content like every
 * channel's. Sizes Telegram announces are checked before anything is downloaded.
 */
final class TelegramMedia {

    /** The Bot API serves files up to 20 MB to bots. */
    static final long MAX_BYTES = 20L * 1024 * 1024;

    static final String UNREADABLE = "I can read text, photos, voice notes and files (images, text files, PDFs); "
            + "stickers, videos and other kinds of messages are not read yet.";

    private TelegramMedia() {}

    /** @return whether the message carries a photo, a document, a voice note or an audio file */
    static boolean hasMedia(Message message) {
        return message.hasPhoto() || message.hasDocument() || message.hasVoice() || message.hasAudio();
    }

    /**
     * @return the message's photo (its largest size) or document, downloaded
     * @throws BotApiException when it is too large or cannot be fetched; the message says which for the user
     */
    static List<Attachment> download(BotApi api, Message message) throws BotApiException, InterruptedException {
        if (message.hasPhoto()) {
            PhotoSize largest = message.getPhoto().stream()
                    .max(Comparator.comparingLong(p -> (long) p.getWidth() * p.getHeight())).orElseThrow();
            checkAnnounced(largest.getFileSize() == null ? 0 : largest.getFileSize());
            byte[] bytes = api.download(largest.getFileId(), MAX_BYTES);
            // Telegram re-encodes every photo as JPEG; the agent checks the bytes anyway
            return List.of(new Attachment("image/jpeg", "photo.jpg", bytes));
        }
        if (message.hasVoice()) {
            Voice voice = message.getVoice();
            checkAnnounced(voice.getFileSize() == null ? 0 : voice.getFileSize());
            byte[] bytes = api.download(voice.getFileId(), MAX_BYTES);
            // Telegram records voice notes as Opus in Ogg
            return List.of(new Attachment(voice.getMimeType() == null ? "audio/ogg" : voice.getMimeType(), "voice.ogg", bytes));
        }
        if (message.hasAudio()) {
            Audio audio = message.getAudio();
            checkAnnounced(audio.getFileSize() == null ? 0 : audio.getFileSize());
            byte[] bytes = api.download(audio.getFileId(), MAX_BYTES);
            String type = audio.getMimeType() == null ? "audio/mpeg" : audio.getMimeType();
            return List.of(new Attachment(type, audio.getFileName() == null ? "" : audio.getFileName(), bytes));
        }
        Document document = message.getDocument();
        checkAnnounced(document.getFileSize() == null ? 0 : document.getFileSize());
        byte[] bytes = api.download(document.getFileId(), MAX_BYTES);
        String type = document.getMimeType() == null ? "application/octet-stream" : document.getMimeType();
        return List.of(new Attachment(type, document.getFileName(), bytes));
    }

    private static void checkAnnounced(long size) throws BotApiException {
        if (size > MAX_BYTES) {
            throw new BotApiException("the file is too large (" + size / (1024 * 1024) + " MB; bots can receive at most "
                    + MAX_BYTES / (1024 * 1024) + " MB)", 413, null);
        }
    }
}
