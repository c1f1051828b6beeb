package org.openpista.channel.telegram.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.stream.Collectors;
import org.openpista.channel.support.StateFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ids of the latest updates handed to the agent through the webhook, kept in a file, so that an
 * update Telegram delivers again (its request failed after the hand-over, or the daemon stopped
 * before answering) is handled once, also across restarts and a switch back to polling.
 *
 * <p>A set rather than an offset: Telegram delivers updates of different chats independently, and
 * while it retries one that failed it may deliver a newer one of another chat, so the ids do not
 * arrive in order. The newest {@value #CAPACITY} are kept; Telegram gives up on an update long
 * before a thousand newer ones have been handled.
 */
final class WebhookLedger {

    /** How many ids are remembered. */
    static final int CAPACITY = 1024;

    private static final Logger LOG = LoggerFactory.getLogger(WebhookLedger.class);

    private final Path file;
    private final LinkedHashSet<Long> ids = new LinkedHashSet<>();

    WebhookLedger(Path file) {
        this.file = file;
        read();
    }

    /** @return the ledger file of a bot in the channel's state folder */
    static Path fileFor(Path stateDir, long botId) {
        return stateDir.resolve("webhook-" + botId);
    }

    /** @return whether the update was handed over through the webhook */
    synchronized boolean contains(long updateId) {
        return ids.contains(updateId);
    }

    /**
     * Records an update as handed over. It counts at once; the file is written before this returns.
     *
     * @throws IOException when the file cannot be written (the id still counts until the channel stops)
     */
    synchronized void record(long updateId) throws IOException {
        if (!ids.add(updateId)) {
            return;
        }
        Iterator<Long> oldest = ids.iterator();
        while (ids.size() > CAPACITY) {
            oldest.next();
            oldest.remove();
        }
        StateFiles.writeAtomically(file, ids.stream().map(String::valueOf).collect(Collectors.joining("\n", "", "\n")));
    }

    private void read() {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            LOG.warn("Cannot read the Telegram webhook ledger {} ({}); updates Telegram delivers again may be handled twice",
                    file, e.getMessage());
            return;
        }
        for (String line : text.split("\n")) {
            try {
                if (!line.isBlank()) {
                    ids.add(Long.parseLong(line.strip()));
                }
            } catch (NumberFormatException e) {
                LOG.warn("Skipping a malformed line of the Telegram webhook ledger {}", file);
            }
        }
    }
}
