package org.openpista.channel.slack.internal;

import java.io.IOException;
import java.nio.file.Path;
import org.openpista.channel.support.RecentIds;
import org.openpista.channel.support.StateFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ids of the latest events handed to the agent, kept in a file, so that an event Slack delivers
 * again (its acknowledgement was lost with the connection, the HTTP answer came too late, the daemon
 * stopped in between) is handled once, also across restarts and a switch between Socket Mode and the
 * Events API. Slack retries an event for a few minutes at most; the newest {@value #CAPACITY} ids
 * cover that with room to spare.
 */
final class EventLedger {

    /** How many ids are remembered. */
    static final int CAPACITY = 2048;

    private static final Logger LOG = LoggerFactory.getLogger(EventLedger.class);

    private final Path file;
    private final RecentIds ids = new RecentIds(CAPACITY);

    EventLedger(Path file) {
        this.file = file;
        try {
            ids.readLines(file, line -> true);
        } catch (IOException e) {
            LOG.warn("Cannot read the Slack event ledger {} ({}); events Slack delivers again may be handled twice", file,
                    e.getMessage());
        }
    }

    /** @return the ledger file of a workspace in the channel's state folder */
    static Path fileFor(Path stateDir, String teamId) {
        return stateDir.resolve("events-" + teamId.replaceAll("[^A-Za-z0-9_-]", "_"));
    }

    /** @return whether the event was handed over already */
    synchronized boolean contains(String eventId) {
        return ids.contains(eventId);
    }

    /**
     * Records an event as handed over. It counts at once; the file is written before this returns.
     *
     * @throws IOException when the file cannot be written (the id still counts until the channel stops)
     */
    synchronized void record(String eventId) throws IOException {
        if (ids.add(eventId)) {
            StateFiles.writeAtomically(file, ids.lines());
        }
    }
}
