package org.openpista.channel.support;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Slows down token guessing without handing strangers a cheap way to lock the owner out. The web
 * chat counts its logins and its token checks with it, the mobile channel its {@code auth} frames
 * over QUIC; each holds a lockout of its own.
 *
 * <p>Failures are counted per <em>source</em>: all of loopback (127/8, ::1) is one source, because
 * a local process can pick from 16 million loopback addresses; an IPv4 address is one; an IPv6
 * address counts with its /64 network, which one host usually owns whole. {@value #MAX_FAILURES}
 * failures of a source within {@link #WINDOW} lock it for {@link #FIRST_LOCK}; every further lock
 * within {@link #FORGIVE} of the last failure doubles, up to {@link #MAX_LOCK}. During a lock the
 * source's tokens are not checked at all, so a right guess cannot be told from a wrong one.
 *
 * <p>Failures are also counted over all sources: beyond {@value #GLOBAL_FAILURES} within {@link
 * #GLOBAL_WINDOW}, every further failure doubles a delay (1 s, 2 s, … {@link #GLOBAL_MAX_DELAY})
 * during which no token is checked for any source that has not authenticated within {@link #TRUST}.
 * Rotating addresses therefore buys an attacker about {@value #GLOBAL_FAILURES} guesses per
 * window in all, while the owner, whose address authenticated before, is not held by a stranger's
 * failures. {@link #clear()} (the {@code unlock} commands of {@code openpista:web} and {@code
 * openpista:mobile}) lifts every lock.
 *
 * <p>The tables are bounded, so a flood of addresses cannot exhaust memory.
 */
public final class Lockout {

    /** The source of every loopback address. */
    public static final String LOOPBACK = "loopback";
    public static final int MAX_FAILURES = 10;
    public static final Duration WINDOW = Duration.ofSeconds(60);
    public static final Duration FIRST_LOCK = Duration.ofSeconds(30);
    public static final Duration MAX_LOCK = Duration.ofMinutes(15);
    /** A source without failures for this long starts again from the first, short lock. */
    public static final Duration FORGIVE = Duration.ofMinutes(15);
    public static final int GLOBAL_FAILURES = 50;
    public static final Duration GLOBAL_WINDOW = Duration.ofMinutes(10);
    public static final Duration GLOBAL_MAX_DELAY = Duration.ofMinutes(5);
    /** A source that authenticated this recently is not held by the global delay. */
    public static final Duration TRUST = Duration.ofHours(24);
    private static final int MAX_SOURCES = 10_000;
    private static final int MAX_TRUSTED = 1_000;

    /**
     * One locked source.
     *
     * @param source the source, as {@link #source(String)} names it
     * @param left how long the lock lasts
     */
    public record Locked(String source, Duration left) {}

    /**
     * What the lockout holds at one moment.
     *
     * @param locked the locked sources, longest lock first
     * @param recentFailures failures of all sources within {@link #GLOBAL_WINDOW}
     * @param globalDelay how long untrusted sources are still held, zero when they are not
     */
    public record State(List<Locked> locked, int recentFailures, Duration globalDelay) {}

    private final Clock clock;
    private final Map<String, Entry> entries = new HashMap<>();
    private final ArrayDeque<Instant> recent = new ArrayDeque<>();
    private final Map<String, Instant> trusted = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
            return size() > MAX_TRUSTED;
        }
    };
    private Instant globalUntil = Instant.MIN;

    /** @param clock the time failures, locks and trust are measured in */
    public Lockout(Clock clock) {
        this.clock = clock;
    }

    /**
     * @param address a remote address as the servlet API or a socket address gives it ({@code
     *     127.0.0.1}, {@code [::1]}, {@code 2001:db8::5})
     * @return the source it counts for: {@value #LOOPBACK}, the IPv4 address, or the IPv6 /64
     */
    public static String source(String address) {
        if (address == null || address.isBlank()) {
            return "unknown";
        }
        String host = address.strip();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int zone = host.indexOf('%');
        if (zone >= 0) {
            host = host.substring(0, zone);
        }
        // only literals are parsed: a name would mean a DNS lookup
        if (!host.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
            return host;
        }
        InetAddress ip;
        try {
            ip = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            return host;
        }
        if (ip.isLoopbackAddress()) {
            return LOOPBACK;
        }
        if (ip instanceof Inet6Address) {
            byte[] bytes = ip.getAddress();
            HexFormat hex = HexFormat.of();
            StringBuilder prefix = new StringBuilder();
            for (int i = 0; i < 8; i += 2) {
                prefix.append(hex.toHexDigits(bytes[i])).append(hex.toHexDigits(bytes[i + 1])).append(':');
            }
            return prefix + ":/64";
        }
        return ip.getHostAddress();
    }

    /** @return how long the source stays locked (on its own or by the global delay), zero when it is not */
    public synchronized Duration lockedFor(String source) {
        Instant now = clock.instant();
        Duration own = Duration.ZERO;
        Entry entry = entries.get(source);
        if (entry != null && entry.lockedUntil.isAfter(now)) {
            own = Duration.between(now, entry.lockedUntil);
        }
        Duration shared = Duration.ZERO;
        if (globalUntil.isAfter(now) && !trustedAt(source, now)) {
            shared = Duration.between(now, globalUntil);
        }
        return own.compareTo(shared) >= 0 ? own : shared;
    }

    /** Records a failed authentication of a source that was not locked. */
    public synchronized void failure(String source) {
        Instant now = clock.instant();
        if (entries.size() >= MAX_SOURCES && !entries.containsKey(source)) {
            prune(now);
        }
        Entry entry = entries.computeIfAbsent(source, key -> new Entry());
        if (entry.lastFailure != null && entry.lastFailure.plus(FORGIVE).isBefore(now)) {
            entry.strikes = 0;
        }
        entry.lastFailure = now;
        entry.failures.addLast(now);
        dropOlder(entry.failures, now.minus(WINDOW));
        if (entry.failures.size() >= MAX_FAILURES) {
            entry.failures.clear();
            Duration lock = FIRST_LOCK.multipliedBy(1L << Math.min(entry.strikes, 20));
            entry.lockedUntil = now.plus(lock.compareTo(MAX_LOCK) < 0 ? lock : MAX_LOCK);
            entry.strikes++;
        }
        recent.addLast(now);
        dropOlder(recent, now.minus(GLOBAL_WINDOW));
        while (recent.size() > MAX_SOURCES) {
            recent.removeFirst();
        }
        int beyond = recent.size() - GLOBAL_FAILURES;
        if (beyond > 0) {
            Duration delay = Duration.ofSeconds(1L << Math.min(beyond - 1, 20));
            globalUntil = now.plus(delay.compareTo(GLOBAL_MAX_DELAY) < 0 ? delay : GLOBAL_MAX_DELAY);
        }
    }

    /** Records a successful authentication: the source is trusted for a while. */
    public synchronized void success(String source) {
        trusted.put(source, clock.instant());
    }

    /** @return the locks now, for the {@code status} commands */
    public synchronized State state() {
        Instant now = clock.instant();
        List<Locked> locked = new ArrayList<>();
        entries.forEach((source, entry) -> {
            if (entry.lockedUntil.isAfter(now)) {
                locked.add(new Locked(source, Duration.between(now, entry.lockedUntil)));
            }
        });
        locked.sort(Comparator.comparing(Locked::left).reversed());
        dropOlder(recent, now.minus(GLOBAL_WINDOW));
        return new State(List.copyOf(locked), recent.size(),
                globalUntil.isAfter(now) ? Duration.between(now, globalUntil) : Duration.ZERO);
    }

    /**
     * Lifts every lock and forgets every failure: the owner's way back in from the terminal.
     *
     * @return what was lifted
     */
    public synchronized State clear() {
        State before = state();
        entries.clear();
        recent.clear();
        globalUntil = Instant.MIN;
        return before;
    }

    /** @return how many sources are tracked, for tests */
    public synchronized int size() {
        return entries.size();
    }

    private boolean trustedAt(String source, Instant now) {
        Instant since = trusted.get(source);
        return since != null && since.plus(TRUST).isAfter(now);
    }

    private static void dropOlder(ArrayDeque<Instant> times, Instant limit) {
        while (!times.isEmpty() && times.peekFirst().isBefore(limit)) {
            times.removeFirst();
        }
    }

    private void prune(Instant now) {
        for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
            Entry entry = it.next();
            boolean locked = entry.lockedUntil.isAfter(now);
            boolean remembered = entry.lastFailure != null && entry.lastFailure.plus(FORGIVE).isAfter(now);
            if (!locked && !remembered) {
                it.remove();
            }
        }
        if (entries.size() >= MAX_SOURCES) {
            // still full of fresh entries: forget failures (never active locks) to stay bounded
            entries.values().removeIf(entry -> !entry.lockedUntil.isAfter(now));
        }
    }

    private static final class Entry {
        final ArrayDeque<Instant> failures = new ArrayDeque<>();
        Instant lockedUntil = Instant.MIN;
        Instant lastFailure;
        int strikes;
    }
}
