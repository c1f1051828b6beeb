package org.openpista.channel.web.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code [channels.web]} section as one immutable value, with the rules that make it safe:
 * loopback by default, CORS origins normalised, limits kept within sane bounds.
 *
 * @param enabled whether the channel serves at all
 * @param bind the address to listen on
 * @param port the port, 0 for any free one
 * @param token the access token; empty when none is configured
 * @param corsOrigins origins allowed besides the page's own, lower case without a trailing slash;
 *     {@code *} allows every origin
 * @param staticDir a folder with a UI to serve instead of the bundled one, or {@code null}
 * @param sharedSessionId the one session every client shares, or empty for one session per client
 * @param maxFrameBytes the largest frame an authenticated client may send
 * @param turnTimeout how long a turn may run (time spent waiting for approval not counted)
 * @param approvalTimeout how long an approval question waits for an answer
 * @param tls how HTTPS is served, {@link WebTls#NONE} for plain HTTP
 */
record WebSettings(
        boolean enabled,
        String bind,
        int port,
        String token,
        List<String> corsOrigins,
        Path staticDir,
        String sharedSessionId,
        long maxFrameBytes,
        Duration turnTimeout,
        Duration approvalTimeout,
        WebTls tls) {

    /** Frames of a connection that has not authenticated yet, and {@code POST /auth} bodies, stay below this. */
    static final int PRE_AUTH_LIMIT = 64 * 1024;

    static final String DEFAULT_BIND = "127.0.0.1";

    /** The shortest token accepted when the chat listens on more than loopback (as {@code web setup} demands). */
    static final int MIN_REMOTE_TOKEN = 16;

    WebSettings {
        bind = bind == null || bind.isBlank() ? DEFAULT_BIND : bind.strip();
        token = token == null ? "" : token.strip();
        corsOrigins = normaliseOrigins(corsOrigins);
        sharedSessionId = sharedSessionId == null ? "" : sharedSessionId.strip();
        maxFrameBytes = Math.max(PRE_AUTH_LIMIT, maxFrameBytes);
        tls = tls == null ? WebTls.NONE : tls;
    }

    /** Settings for plain HTTP. */
    WebSettings(boolean enabled, String bind, int port, String token, List<String> corsOrigins, Path staticDir,
            String sharedSessionId, long maxFrameBytes, Duration turnTimeout, Duration approvalTimeout) {
        this(enabled, bind, port, token, corsOrigins, staticDir, sharedSessionId, maxFrameBytes, turnTimeout,
                approvalTimeout, WebTls.NONE);
    }

    /** @return the settings of a component configuration */
    static WebSettings from(WebChannel.Config config) {
        String staticDir = config.static_dir() == null ? "" : config.static_dir().strip();
        return new WebSettings(
                config.enabled(),
                config.bind(),
                config.port(),
                config._token(),
                config.cors_origins() == null ? List.of() : List.of(config.cors_origins()),
                staticDir.isEmpty() ? null : Path.of(staticDir),
                config.shared_session_id(),
                config.max_frame_bytes(),
                Duration.ofSeconds(Math.max(1, config.turn_timeout_secs())),
                Duration.ofSeconds(Math.max(1, config.approval_timeout_secs())),
                WebTls.of(config.tls_cert(), config.tls_key(), config.tls_self_signed()));
    }

    /** @return a copy with another token */
    WebSettings withToken(String newToken) {
        return new WebSettings(enabled, bind, port, newToken, corsOrigins, staticDir, sharedSessionId, maxFrameBytes,
                turnTimeout, approvalTimeout, tls);
    }

    /**
     * @return the largest file the UI may send: what fits base64-encoded into one frame beside the
     *     message text (the agent's own limit, [agent] max_attachment_mb, may be lower)
     */
    long maxUploadBytes() {
        return Math.max(0, (maxFrameBytes - 64 * 1024) / 4 * 3);
    }

    /** @return whether a token must be presented */
    boolean tokenRequired() {
        return !token.isEmpty();
    }

    /**
     * @return why these settings must not serve, whatever the token's origin (file or environment):
     *     beyond loopback a token is required, of at least {@value #MIN_REMOTE_TOKEN} characters; or
     *     {@code null} when they may
     */
    String refusal() {
        if (loopback()) {
            return null;
        }
        String fix = "set [channels.web] token (openpista web setup --regenerate-token) or OPENPISTA_WEB_TOKEN, "
                + "or bind to 127.0.0.1";
        if (!tokenRequired()) {
            return "refusing to listen on " + bind + " without a token: " + fix;
        }
        if (token.length() < MIN_REMOTE_TOKEN) {
            return "refusing to listen on " + bind + " with a token of fewer than " + MIN_REMOTE_TOKEN
                    + " characters (anything but loopback needs a longer one): " + fix;
        }
        return null;
    }

    /** @return whether every origin is allowed ({@code cors_origins = "*"}) */
    boolean anyOrigin() {
        return corsOrigins.contains("*");
    }

    /** @return whether the bind address is a loopback address, reachable from this machine only */
    boolean loopback() {
        return isLoopback(bind);
    }

    /** @return the URL of the chat as seen from this machine */
    String url(int actualPort) {
        String host = bind;
        if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            host = "127.0.0.1";
        } else if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return (tls.enabled() ? "https://" : "http://") + host + ":" + actualPort + "/";
    }

    static boolean isLoopback(String address) {
        String host = address.strip();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!host.matches("[0-9.]+|[0-9a-fA-F:.]+")) {
            // a host name other than localhost: it may resolve to anything, so it is not trusted as loopback
            return false;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static List<String> normaliseOrigins(List<String> origins) {
        List<String> result = new ArrayList<>();
        if (origins != null) {
            for (String origin : origins) {
                for (String part : origin == null ? new String[0] : origin.split(",")) {
                    String clean = part.strip().toLowerCase(Locale.ROOT);
                    while (clean.endsWith("/")) {
                        clean = clean.substring(0, clean.length() - 1);
                    }
                    if (!clean.isEmpty() && !result.contains(clean)) {
                        result.add(clean);
                    }
                }
            }
        }
        return List.copyOf(result);
    }
}
