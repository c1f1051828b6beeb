package org.openpista.channel.discord.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.dv8tion.jda.api.entities.Message;
import org.openpista.api.chat.Attachment;

/**
 * Files users attach to a message, fetched from their CDN {@code url} through JDA's own client and
 * handed to the agent as attachments; the agent checks their content like every channel's. Sizes
 * Discord announces are checked before anything is downloaded.
 */
final class DiscordFiles {

    /** The largest file taken, as on Telegram and Slack. */
    static final long MAX_BYTES = 20L * 1024 * 1024;

    private static final long TIMEOUT_SECONDS = 60;

    private DiscordFiles() {}

    /**
     * @return the message's files, downloaded
     * @throws IOException with a message for the user when one is too large or cannot be fetched
     */
    static List<Attachment> download(Message message) throws IOException, InterruptedException {
        List<Attachment> attachments = new ArrayList<>();
        for (Message.Attachment file : message.getAttachments()) {
            String label = "\"" + file.getFileName() + "\"";
            if (file.getSize() > MAX_BYTES) {
                throw new IOException(label + " is too large (" + file.getSize() / (1024 * 1024) + " MB; the limit is "
                        + MAX_BYTES / (1024 * 1024) + " MB)");
            }
            try (InputStream in = file.getProxy().download().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                // read to one byte past the limit: a file larger than announced is caught too
                byte[] bytes = in.readNBytes((int) MAX_BYTES + 1);
                if (bytes.length > MAX_BYTES) {
                    throw new IOException(label + " is too large (the limit is " + MAX_BYTES / (1024 * 1024) + " MB)");
                }
                String type = file.getContentType() == null ? "application/octet-stream" : file.getContentType();
                attachments.add(new Attachment(type, file.getFileName(), bytes));
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                throw new IOException(label + " could not be downloaded from Discord: "
                        + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage()), cause);
            } catch (TimeoutException e) {
                throw new IOException(label + " could not be downloaded from Discord in " + TIMEOUT_SECONDS + " s", e);
            }
        }
        return attachments;
    }
}
