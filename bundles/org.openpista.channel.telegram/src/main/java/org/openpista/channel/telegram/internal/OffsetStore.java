package org.openpista.channel.telegram.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.openpista.channel.support.StateFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code getUpdates} offset of one bot, kept in a file: the id of the first update not yet
 * handed to the agent. It only moves forward, and only after an update was handed over, so a
 * restart resumes exactly where the last run stopped. One file per bot id, because update ids are
 * per bot: another token must not inherit this bot's position.
 */
final class OffsetStore {

    private static final Logger LOG = LoggerFactory.getLogger(OffsetStore.class);

    private final Path file;
    private long next;

    OffsetStore(Path file) {
        this.file = file;
        this.next = read(file);
    }

    /** @return the file of a bot's offset in the channel's state folder */
    static Path fileFor(Path stateDir, long botId) {
        return stateDir.resolve("offset-" + botId);
    }

    /** @return the offset to ask for: the first update not handed over yet, or 0 at the very start */
    synchronized long next() {
        return next;
    }

    /**
     * Records that an update was handed over, so it is never fetched again.
     *
     * @throws IOException when the file cannot be written; the offset stays where it was
     */
    synchronized void acknowledge(long updateId) throws IOException {
        if (updateId + 1 <= next) {
            return;
        }
        StateFiles.writeAtomically(file, Long.toString(updateId + 1) + "\n");
        next = updateId + 1;
    }

    private static long read(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? 0 : Long.parseLong(text);
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException | NumberFormatException e) {
            // starting from 0 re-reads what Telegram still holds (at most 24 h) rather than skipping it
            LOG.warn("Cannot read the Telegram offset file {} ({}); starting from the oldest update Telegram holds", file,
                    e.getMessage());
            return 0;
        }
    }
}
