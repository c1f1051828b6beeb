package org.openpista.channel.discord.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.openpista.api.chat.Attachment;
import org.openpista.channel.support.BoundedBody;
import org.openpista.channel.support.Problems;

/**
 * Files users attach to a message, fetched from their CDN {@code url} through the channel's own
 * client and handed to the agent as attachments; the agent checks their content like every
 * channel's. Sizes Discord announces are checked before anything is downloaded.
 */
final class DiscordFiles {

    /** The largest file taken, as on Telegram and Slack. */
    static final long MAX_BYTES = 20L * 1024 * 1024;

    private DiscordFiles() {}

    /**
     * @return the message's files, downloaded
     * @throws IOException with a message for the user when one is too large or cannot be fetched
     */
    static List<Attachment> download(DiscordRest rest, DiscordMessage message) throws IOException, InterruptedException {
        List<Attachment> attachments = new ArrayList<>();
        for (DiscordMessage.File file : message.attachments()) {
            String label = "\"" + file.name() + "\"";
            if (file.size() > MAX_BYTES) {
                throw new IOException(label + " is too large (" + file.size() / (1024 * 1024) + " MB; the limit is "
                        + MAX_BYTES / (1024 * 1024) + " MB)");
            }
            byte[] bytes;
            try {
                // a file larger than announced is caught too
                bytes = rest.download(file.url(), MAX_BYTES);
            } catch (BoundedBody.TooLarge e) {
                throw new IOException(label + " is too large (the limit is " + MAX_BYTES / (1024 * 1024) + " MB)", e);
            } catch (java.net.http.HttpTimeoutException e) {
                throw new IOException(label + " could not be downloaded from Discord in time", e);
            } catch (IOException e) {
                throw new IOException(label + " could not be downloaded from Discord: "
                        + Problems.describe(e), e);
            }
            String type = file.contentType() == null ? "application/octet-stream" : file.contentType();
            attachments.add(new Attachment(type, file.name(), bytes));
        }
        return attachments;
    }
}
