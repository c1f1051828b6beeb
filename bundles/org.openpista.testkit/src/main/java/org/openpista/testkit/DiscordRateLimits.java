package org.openpista.testkit;

import com.sun.net.httpserver.Headers;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The fake Discord's per-route rate limits, as Discord answers them: every request of a route
 * counts against its bucket (method and path with the major parameters, channel, guild, webhook and
 * interaction with their tokens, kept; other ids not), the first request starts a window, and its
 * answer carries {@code X-RateLimit-Limit}, {@code -Remaining}, {@code -Reset}, {@code -Reset-After}
 * and {@code -Bucket} (one hash per route, shared by its major parameters). A request beyond the
 * limit gets 429 with {@code retry_after} (scope {@code user}) until the window ends.
 */
final class DiscordRateLimits {

    private record Window(long start, int used) {}

    // guarded by this
    private int limit;
    private long window;
    private final Map<String, Window> windows = new HashMap<>();

    DiscordRateLimits(int limit, Duration window) {
        set(limit, window);
    }

    synchronized void set(int limit, Duration window) {
        if (limit < 1 || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("a limit of at least 1 per positive window");
        }
        this.limit = limit;
        this.window = window.toNanos();
        windows.clear();
    }

    /**
     * Counts a request and sets its answer's rate limit headers.
     *
     * @param path the path under the API root, such as {@code /channels/1/messages}
     * @return 0 when the request may be answered, else the seconds until its bucket resets (429)
     */
    synchronized double take(String method, String path, Headers headers) {
        long now = System.nanoTime();
        windows.values().removeIf(old -> now - old.start() >= window);
        String[] route = route(method, path);
        String key = route[0] + " " + route[1];
        Window current = windows.get(key);
        if (current == null) {
            current = new Window(now, 0);
        }
        boolean over = current.used() >= limit;
        if (!over) {
            current = new Window(current.start(), current.used() + 1);
            windows.put(key, current);
        }
        // rounded up to the millisecond, as Discord's are: a client waiting this long is never early
        double resetAfter = Math.ceil((current.start() + window - now) / 1_000_000.0) / 1000;
        headers.set("X-RateLimit-Limit", Integer.toString(limit));
        headers.set("X-RateLimit-Remaining", Integer.toString(limit - current.used()));
        headers.set("X-RateLimit-Reset", String.format(Locale.ROOT, "%.3f", System.currentTimeMillis() / 1000.0 + resetAfter));
        headers.set("X-RateLimit-Reset-After", String.format(Locale.ROOT, "%.3f", resetAfter));
        headers.set("X-RateLimit-Bucket", Integer.toHexString(route[0].hashCode()) + "fake");
        return over ? Math.max(resetAfter, 0.001) : 0;
    }

    /** @return the route's template (ids as {@code {id}}, major ones as {@code {major}}) and its major parameters */
    static String[] route(String method, String path) {
        String[] segments = path.replaceAll("\\?.*", "").split("/");
        StringBuilder template = new StringBuilder(method);
        StringBuilder major = new StringBuilder();
        for (int i = 1; i < segments.length; i++) {
            String previous = segments[i - 1];
            boolean isMajor = previous.matches("channels|guilds|webhooks|interactions")
                    || i >= 2 && segments[i - 2].matches("webhooks|interactions");
            template.append(i == 1 ? " /" : "/");
            if (isMajor) {
                template.append("{major}");
                major.append(segments[i]).append('/');
            } else {
                template.append(segments[i].matches("\\d+") ? "{id}" : segments[i]);
            }
        }
        return new String[] {template.toString(), major.toString()};
    }
}
