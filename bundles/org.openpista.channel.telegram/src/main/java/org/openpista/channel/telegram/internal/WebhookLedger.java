package org.openpista.channel.telegram.internal;

import java.io.IOException;
import java.nio.file.Path;
import org.openpista.channel.support.RecentIds;
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
    private final RecentIds ids = new RecentIds(CAPACITY);

    WebhookLedger(Path file) {
        this.file = file;
        try {
            int malformed = ids.readLines(file, line -> line.matches("-?[0-9]+"));
            if (malformed > 0) {
                LOG.warn("Skipping {} malformed line(s) of the Telegram webhook ledger {}", malformed, file);
            }
        } catch (IOException e) {
            LOG.warn("Cannot read the Telegram webhook ledger {} ({}); updates Telegram delivers again may be handled twice",
                    file, e.getMessage());
        }
    }

    /** @return the ledger file of a bot in the channel's state folder */
    static Path fileFor(Path stateDir, long botId) {
        return stateDir.resolve("webhook-" + botId);
    }

    /** @return whether the update was handed over through the webhook */
    synchronized boolean contains(long updateId) {
        return ids.contains(Long.toString(updateId));
    }

    /**
     * Records an update as handed over. It counts at once; the file is written before this returns.
     *
     * @throws IOException when the file cannot be written (the id still counts until the channel stops)
     */
    synchronized void record(long updateId) throws IOException {
        if (ids.add(Long.toString(updateId))) {
            StateFiles.writeAtomically(file, ids.lines());
        }
    }
}
