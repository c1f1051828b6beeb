package org.openpista.channel.web.internal;

import java.util.List;
import java.util.Locale;

/**
 * Which pages may talk to the server. A browser sends {@code Origin} with every WebSocket upgrade
 * and cross-site request; the page's own origin is allowed, plus the configured {@code cors_origins}
 * ({@code *} allows all). Clients that are not browsers send no {@code Origin}; they are let through
 * to the token check.
 *
 * <p>When the server listens on a loopback address, the {@code Host} header must name this machine
 * as well (localhost, 127.x, [::1] or a configured origin's host): a page of another site that
 * re-points its own name at 127.0.0.1 (DNS rebinding) is then not "same origin" with us.
 */
final class OriginPolicy {

    private final List<String> allowed;
    private final boolean any;
    private final boolean loopbackOnly;

    OriginPolicy(WebSettings settings) {
        this.allowed = settings.corsOrigins();
        this.any = settings.anyOrigin();
        this.loopbackOnly = settings.loopback();
    }

    /**
     * @param origin the {@code Origin} header, or {@code null}
     * @param host the {@code Host} header, or {@code null}
     * @return whether a request with these headers may be served
     */
    boolean allows(String origin, String host) {
        if (!hostAllowed(host)) {
            return false;
        }
        if (origin == null) {
            return true;
        }
        return any || sameOrigin(origin, host) || allowed.contains(normalise(origin));
    }

    /** @return the value of {@code Access-Control-Allow-Origin} for a cross-origin request, or {@code null} */
    String corsHeader(String origin, String host) {
        if (origin == null || sameOrigin(origin, host) || !hostAllowed(host)) {
            return null;
        }
        if (any) {
            return "*";
        }
        return allowed.contains(normalise(origin)) ? origin : null;
    }

    boolean hostAllowed(String host) {
        if (!loopbackOnly) {
            return true;
        }
        if (host == null || host.isBlank()) {
            return false;
        }
        String name = hostName(host);
        if (name.equals("localhost") || name.endsWith(".localhost") || WebSettings.isLoopback(name)) {
            return true;
        }
        for (String origin : allowed) {
            if (origin.equals("*") || hostName(origin.replaceFirst("^[a-z]+://", "")).equals(name)) {
                return true;
            }
        }
        return false;
    }

    private static boolean sameOrigin(String origin, String host) {
        if (host == null) {
            return false;
        }
        String normalised = normalise(origin);
        String self = host.strip().toLowerCase(Locale.ROOT);
        return normalised.equals("http://" + self) || normalised.equals("https://" + self);
    }

    private static String normalise(String origin) {
        String clean = origin.strip().toLowerCase(Locale.ROOT);
        while (clean.endsWith("/")) {
            clean = clean.substring(0, clean.length() - 1);
        }
        return clean;
    }

    /** @return the host of a {@code host[:port]} value, lower case, without brackets */
    static String hostName(String hostAndPort) {
        String value = hostAndPort.strip().toLowerCase(Locale.ROOT);
        int slash = value.indexOf('/');
        if (slash >= 0) {
            value = value.substring(0, slash);
        }
        if (value.startsWith("[")) {
            int close = value.indexOf(']');
            return close > 0 ? value.substring(1, close) : value;
        }
        int colon = value.lastIndexOf(':');
        if (colon >= 0 && value.indexOf(':') == colon) {
            value = value.substring(0, colon);
        }
        return value;
    }
}
