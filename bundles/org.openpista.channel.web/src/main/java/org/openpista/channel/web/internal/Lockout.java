package org.openpista.channel.web.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Slows down token guessing: an address that fails to authenticate {@value #MAX_FAILURES} times
 * within {@link #WINDOW} is refused for {@link #LOCK} (even with the right token), then starts
 * afresh. The table is bounded, so a flood of addresses cannot exhaust memory.
 */
final class Lockout {

    static final int MAX_FAILURES = 10;
    static final Duration WINDOW = Duration.ofSeconds(60);
    static final Duration LOCK = Duration.ofMinutes(5);
    private static final int MAX_ADDRESSES = 10_000;

    private final Clock clock;
    private final Map<String, Entry> entries = new HashMap<>();

    Lockout(Clock clock) {
        this.clock = clock;
    }

    /** @return how long the address stays locked out, or {@link Duration#ZERO} when it is not */
    synchronized Duration lockedFor(String address) {
        Entry entry = entries.get(address);
        if (entry == null || entry.lockedUntil == null) {
            return Duration.ZERO;
        }
        Duration left = Duration.between(clock.instant(), entry.lockedUntil);
        if (left.isNegative() || left.isZero()) {
            entries.remove(address);
            return Duration.ZERO;
        }
        return left;
    }

    /** Records a failed authentication; the tenth within the window locks the address out. */
    synchronized void failure(String address) {
        Instant now = clock.instant();
        if (entries.size() >= MAX_ADDRESSES && !entries.containsKey(address)) {
            prune(now);
        }
        Entry entry = entries.computeIfAbsent(address, key -> new Entry());
        if (entry.lockedUntil != null && entry.lockedUntil.isAfter(now)) {
            return;
        }
        entry.lockedUntil = null;
        entry.failures.addLast(now);
        while (!entry.failures.isEmpty() && entry.failures.peekFirst().isBefore(now.minus(WINDOW))) {
            entry.failures.removeFirst();
        }
        if (entry.failures.size() >= MAX_FAILURES) {
            entry.failures.clear();
            entry.lockedUntil = now.plus(LOCK);
        }
    }

    /** @return how many addresses are tracked, for tests */
    synchronized int size() {
        return entries.size();
    }

    private void prune(Instant now) {
        for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
            Entry entry = it.next();
            boolean locked = entry.lockedUntil != null && entry.lockedUntil.isAfter(now);
            boolean recent = !entry.failures.isEmpty() && entry.failures.peekLast().isAfter(now.minus(WINDOW));
            if (!locked && !recent) {
                it.remove();
            }
        }
        if (entries.size() >= MAX_ADDRESSES) {
            // still full of fresh entries: forget failures (never active lockouts) to stay bounded
            entries.values().removeIf(entry -> entry.lockedUntil == null);
        }
    }

    private static final class Entry {
        final ArrayDeque<Instant> failures = new ArrayDeque<>();
        Instant lockedUntil;
    }
}
