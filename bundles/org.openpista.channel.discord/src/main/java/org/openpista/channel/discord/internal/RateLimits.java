package org.openpista.channel.discord.internal;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Discord's rate limits, kept ahead of as Discord documents them and JDA does: the {@code
 * X-RateLimit-Bucket}, {@code -Limit}, {@code -Remaining} and {@code -Reset-After} headers of an
 * answer describe the bucket of its route, the method and path with their major parameters (the
 * channel, guild, webhook and interaction ids, with the tokens of the last two; other ids, such as
 * a message's, do not count). Routes with the same bucket hash share one bucket per major
 * parameters. A request whose bucket has nothing left waits until the bucket resets before it is
 * sent; a bucket not known yet lets one request through at a time, whose answer says what the
 * bucket allows. A 429 holds its bucket (a global one every bucket) for its {@code retry_after}.
 *
 * <p>Waiting threads wait on this object, so requests of other buckets go on; {@link #close} ends
 * every wait. A bucket is forgotten once it has been idle for a while after its reset.
 */
final class RateLimits {

    /** How long an idle bucket is kept after its reset. */
    static final Duration KEEP = Duration.ofSeconds(30);
    /** The longest wait between two looks at a bucket, should an answer's wake-up be missed. */
    private static final long LOOK_MILLIS = 1_000;
    /** Route hashes kept (the channel uses a dozen routes). */
    private static final int MAX_HASHES = 256;

    /**
     * A request's route.
     *
     * @param template the method and path, ids as {@code {id}} and major parameters as {@code {major}}
     * @param major the major parameters' values
     */
    record Route(String template, String major) {

        /** @param path the path under the API root, a query after it ignored */
        static Route of(String method, String path) {
            String[] segments = path.replaceAll("\\?.*", "").split("/");
            StringBuilder template = new StringBuilder(method).append(' ');
            StringBuilder major = new StringBuilder();
            for (int i = 1; i < segments.length; i++) {
                String segment = segments[i];
                template.append('/');
                if (isMajor(segments, i)) {
                    template.append("{major}");
                    major.append(segment).append('/');
                } else {
                    template.append(segment.matches("[0-9]+") ? "{id}" : segment);
                }
            }
            return new Route(template.toString(), major.toString());
        }

        /** The id after channels, guilds, webhooks and interactions, and the token after the last two's ids. */
        private static boolean isMajor(String[] segments, int i) {
            return segments[i - 1].matches("channels|guilds|webhooks|interactions")
                    || i >= 2 && segments[i - 2].matches("webhooks|interactions");
        }

        @Override
        public String toString() {
            return template; // without the major parameters: tokens stay out of logs
        }
    }

    /** A request let through; its answer (or its failure) goes back with {@link #answered} or {@link #release}. */
    static final class Permit {
        private final Route route;
        private final Bucket bucket;
        private boolean done;

        private Permit(Route route, Bucket bucket) {
            this.route = route;
            this.bucket = bucket;
        }
    }

    private static final class Bucket {
        /** Requests per window; 0 while not known. */
        int limit;
        int remaining;
        /** When (System.nanoTime) the window ends. */
        long resetAt;
        int inFlight;
        int waiting;

        Bucket(long now) {
            resetAt = now;
        }

        /** @return 0 when a request may go now, else how long (ns) until the reset, or -1 to wait for an answer */
        long delay(long now) {
            boolean reset = now - resetAt >= 0;
            int available = reset ? Math.max(limit, 1) : remaining;
            if (available - inFlight > 0) {
                return 0;
            }
            // the others' answers wake the wait sooner
            return reset ? -1 : resetAt - now;
        }

        boolean idle(long now, long keep) {
            return inFlight == 0 && waiting == 0 && now - resetAt > keep;
        }
    }

    private final long keep;
    // guarded by this
    private final Map<String, String> hashes = new HashMap<>();
    private final Map<String, Bucket> buckets = new HashMap<>();
    private long globalUntil = System.nanoTime();
    private long lastSweep = System.nanoTime();
    private boolean closed;
    /** Once stopping: when (System.nanoTime) waits end; a wait for a reset after it ends at once. */
    private long stopAt;
    private boolean stopping;

    RateLimits() {
        this(KEEP);
    }

    /** @param keep how long an idle bucket is kept after its reset */
    RateLimits(Duration keep) {
        this.keep = keep.toNanos();
    }

    /**
     * Waits until the route's bucket (and the global limit) lets a request through.
     *
     * @throws IllegalStateException when closed or interrupted while waiting
     */
    synchronized Permit acquire(Route route) {
        Bucket waitingIn = null;
        try {
            while (true) {
                if (closed) {
                    throw new IllegalStateException("the Discord channel stopped before " + route + " could be sent");
                }
                long now = System.nanoTime();
                Bucket bucket = bucket(route, now);
                if (bucket != waitingIn) {
                    if (waitingIn != null) {
                        waitingIn.waiting--;
                    }
                    bucket.waiting++;
                    waitingIn = bucket;
                }
                long delay = globalUntil - now > 0 ? globalUntil - now : bucket.delay(now);
                if (delay == 0) {
                    bucket.inFlight++;
                    return new Permit(route, bucket);
                }
                if (stopping && delay > 0 && now + delay - stopAt > 0) {
                    throw new IllegalStateException("the Discord channel stops before the rate limit of " + route + " ends");
                }
                wait(delay < 0 ? LOOK_MILLIS : Math.min(delay / 1_000_000 + 1, LOOK_MILLIS));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting out a Discord rate limit", e);
        } finally {
            if (waitingIn != null) {
                waitingIn.waiting--;
            }
        }
    }

    /** @return a permit when the route's bucket lets a request through now, else null */
    synchronized Permit tryAcquire(Route route) {
        long now = System.nanoTime();
        Bucket bucket = bucket(route, now);
        if (closed || globalUntil - now > 0 || bucket.delay(now) != 0) {
            return null;
        }
        bucket.inFlight++;
        return new Permit(route, bucket);
    }

    /**
     * Takes what an answer says of its bucket.
     *
     * @param retryAfterMillis for a 429, how long it holds (its bucket, or every one when global); else -1
     */
    synchronized void answered(Permit permit, HttpHeaders headers, long retryAfterMillis, boolean global) {
        release(permit);
        long now = System.nanoTime();
        Optional<String> hash = headers.firstValue("X-RateLimit-Bucket");
        if (hash.isPresent() && !hashes.containsKey(permit.route.template())) {
            if (hashes.size() >= MAX_HASHES) {
                hashes.clear();
            }
            hashes.put(permit.route.template(), hash.get());
        }
        Bucket bucket = bucket(permit.route, now);
        int remaining = number(headers, "X-RateLimit-Remaining");
        double resetAfter = seconds(headers, "X-RateLimit-Reset-After");
        if (remaining >= 0 && resetAfter >= 0) {
            if (now - bucket.resetAt < 0) {
                // the same window: answers may come out of order, the fewest left is the latest
                remaining = Math.min(remaining, bucket.remaining);
            }
            bucket.remaining = remaining;
            bucket.resetAt = now + (long) Math.ceil(resetAfter * 1_000_000_000L);
            int limit = number(headers, "X-RateLimit-Limit");
            bucket.limit = limit > 0 ? limit : Math.max(bucket.limit, remaining + 1);
        }
        if (retryAfterMillis >= 0) {
            long until = now + retryAfterMillis * 1_000_000;
            if (global) {
                globalUntil = until - globalUntil > 0 ? until : globalUntil;
            } else {
                bucket.remaining = 0;
                bucket.resetAt = until - bucket.resetAt > 0 ? until : bucket.resetAt;
            }
        }
        notifyAll();
    }

    /** A request let through ended without an answer. */
    synchronized void release(Permit permit) {
        if (!permit.done) {
            permit.done = true;
            permit.bucket.inFlight--;
            notifyAll();
        }
    }

    /** @return how long a global rate limit still holds every request (zero: none) */
    synchronized Duration globalHold() {
        return Duration.ofNanos(Math.max(0, globalUntil - System.nanoTime()));
    }

    /** @return the buckets kept */
    synchronized int size() {
        return buckets.size();
    }

    /**
     * The channel stops within {@code grace}: a wait for a reset after it ends now, the request
     * failing; {@link #close} ends the others.
     */
    synchronized void stopping(Duration grace) {
        stopping = true;
        stopAt = System.nanoTime() + grace.toNanos();
        notifyAll();
    }

    /** Ends every wait, now and later: requests not yet sent fail. */
    synchronized void close() {
        closed = true;
        notifyAll();
    }

    // guarded by this
    private Bucket bucket(Route route, long now) {
        if (now - lastSweep > keep) {
            lastSweep = now;
            buckets.values().removeIf(bucket -> bucket.idle(now, keep));
        }
        String id = hashes.getOrDefault(route.template(), route.template()) + " " + route.major();
        return buckets.computeIfAbsent(id, key -> new Bucket(now));
    }

    private static int number(HttpHeaders headers, String name) {
        try {
            return headers.firstValue(name).map(Integer::parseInt).orElse(-1);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static double seconds(HttpHeaders headers, String name) {
        try {
            return headers.firstValue(name).map(Double::parseDouble).filter(value -> value >= 0 && value < 3600).orElse(-1.0);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
