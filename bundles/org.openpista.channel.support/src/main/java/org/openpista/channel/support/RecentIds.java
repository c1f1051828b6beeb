package org.openpista.channel.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The ids of the latest things a channel handed to the agent, the newest ones up to a capacity, so that
 * what its service delivers again (a retry, a replay after a reconnection) is handled once. The
 * channel's ledger keeps them in a file ({@link #lines()}, {@link #readLines}) and synchronizes: this
 * class is not thread-safe.
 */
public final class RecentIds {

    private final int capacity;
    private final LinkedHashSet<String> ids = new LinkedHashSet<>();

    /** @param capacity how many ids are remembered; the oldest go first */
    public RecentIds(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity " + capacity);
        }
        this.capacity = capacity;
    }

    /** @return whether the id was handed over already */
    public boolean contains(String id) {
        return ids.contains(id);
    }

    /**
     * Adds an id as the newest, forgetting the oldest beyond the capacity.
     *
     * @return false when it was there already (it stays where it was)
     */
    public boolean add(String id) {
        if (!ids.add(id)) {
            return false;
        }
        Iterator<String> oldest = ids.iterator();
        while (ids.size() > capacity) {
            oldest.next();
            oldest.remove();
        }
        return true;
    }

    /** @return the ids, oldest first */
    public List<String> ids() {
        return List.copyOf(ids);
    }

    /** @return the ids one a line, oldest first, each line ended: a ledger file's content */
    public String lines() {
        return ids.stream().collect(Collectors.joining("\n", "", "\n"));
    }

    /**
     * Adds the ids of a ledger file of one id a line ({@link #lines()}); blank lines are skipped, a
     * missing file adds nothing.
     *
     * @param wellFormed which stripped lines are ids; the others are skipped and counted
     * @return how many lines were skipped as malformed
     * @throws IOException when the file is there but cannot be read
     */
    public int readLines(Path file, Predicate<String> wellFormed) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return 0;
        }
        int malformed = 0;
        for (String line : text.split("\n")) {
            String id = line.strip();
            if (id.isEmpty()) {
                continue;
            }
            if (wellFormed.test(id)) {
                add(id);
            } else {
                malformed++;
            }
        }
        return malformed;
    }
}
