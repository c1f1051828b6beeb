package org.openpista.channel.mobile.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The {@code [channels.mobile]} section as one immutable value, with the rules that make it safe:
 * loopback by default, and anything but loopback only with a token of at least {@value
 * #MIN_REMOTE_TOKEN} characters (as the web chat).
 *
 * @param enabled whether {@code openpista start} runs the channel
 * @param bind the address to listen on
 * @param port the UDP port, 0 for any free one
 * @param token the access token; empty when none is configured
 * @param certFile a PEM certificate (chain) to use instead of the generated one, or {@code null}
 * @param keyFile the PKCS#8 PEM key of {@code certFile}, or {@code null}
 * @param idleTimeout how long a connection without packets lives
 * @param turnTimeout how long a turn may run (time waiting for approval not counted)
 * @param approvalTimeout how long an approval question waits for an answer
 */
record MobileSettings(
        boolean enabled,
        String bind,
        int port,
        String token,
        Path certFile,
        Path keyFile,
        Duration idleTimeout,
        Duration turnTimeout,
        Duration approvalTimeout) {

    static final String DEFAULT_BIND = "127.0.0.1";
    static final int DEFAULT_PORT = 4434;

    /** The shortest token accepted when the channel listens on more than loopback. */
    static final int MIN_REMOTE_TOKEN = 16;

    MobileSettings {
        bind = bind == null || bind.isBlank() ? DEFAULT_BIND : bind.strip();
        token = token == null ? "" : token.strip();
    }

    /** @return the settings of a component configuration */
    static MobileSettings from(MobileChannel.Config config) {
        return new MobileSettings(
                config.enabled(),
                config.bind(),
                config.port(),
                config._api_token(),
                path(config.cert_file()),
                path(config.key_file()),
                Duration.ofSeconds(Math.max(5, config.idle_timeout_secs())),
                Duration.ofSeconds(Math.max(1, config.turn_timeout_secs())),
                Duration.ofSeconds(Math.max(1, config.approval_timeout_secs())));
    }

    private static Path path(String value) {
        return value == null || value.isBlank() ? null : Path.of(value.strip());
    }

    /** @return a copy with another token */
    MobileSettings withToken(String newToken) {
        return new MobileSettings(enabled, bind, port, newToken, certFile, keyFile, idleTimeout, turnTimeout,
                approvalTimeout);
    }

    /** @return a copy with another port */
    MobileSettings withPort(int newPort) {
        return new MobileSettings(enabled, bind, newPort, token, certFile, keyFile, idleTimeout, turnTimeout,
                approvalTimeout);
    }

    boolean tokenRequired() {
        return !token.isEmpty();
    }

    /**
     * @return why these settings must not serve, or {@code null} when they may: beyond loopback a
     *     token of at least {@value #MIN_REMOTE_TOKEN} characters is required; {@code cert_file} and
     *     {@code key_file} come together
     */
    String refusal() {
        if ((certFile == null) != (keyFile == null)) {
            return "[channels.mobile] cert_file and key_file must be set together (or neither, for a generated certificate)";
        }
        if (isLoopback(bind)) {
            return null;
        }
        String fix = "set [channels.mobile] api_token (openpista mobile setup --regenerate-token) or "
                + "OPENPISTA_MOBILE_TOKEN, or bind to 127.0.0.1";
        if (!tokenRequired()) {
            return "refusing to listen on " + bind + " without a token: " + fix;
        }
        if (token.length() < MIN_REMOTE_TOKEN) {
            return "refusing to listen on " + bind + " with a token of fewer than " + MIN_REMOTE_TOKEN
                    + " characters (anything but loopback needs a longer one): " + fix;
        }
        return null;
    }

    /**
     * @param host the host a phone reaches the server at, or {@code null} for the bind address (a
     *     wildcard bind gives this machine's loopback address)
     * @return the host part of a URI: IPv6 literals in brackets
     */
    String host(String host) {
        String chosen = host == null || host.isBlank() ? bind : host.strip();
        if (chosen.equals("0.0.0.0") || chosen.equals("::") || chosen.equals("[::]")) {
            chosen = "127.0.0.1";
        }
        return chosen.contains(":") && !chosen.startsWith("[") ? "[" + chosen + "]" : chosen;
    }

    static boolean isLoopback(String address) {
        String host = address.strip();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!isAddressLiteral(host)) {
            // a host name other than localhost may resolve to anything: not trusted as loopback
            return false;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** @return whether the text is an IPv4 or IPv6 literal (looking it up needs no DNS) */
    static boolean isAddressLiteral(String host) {
        return host.matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");
    }
}
