package org.openpista.channel.mobile.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What a phone needs to connect, as one link (and QR code):
 * {@code openpista+quic://HOST:PORT?token=TOKEN&fp=sha256:HEX}. The fingerprint is the SHA-256 of
 * the server's certificate, which the client pins instead of trusting a certificate authority.
 *
 * @param host a host name or IP address (IPv6 without brackets)
 * @param port the UDP port
 * @param token the access token
 * @param fingerprint {@code sha256:} and 64 lower-case hex digits
 */
record ConnectUri(String host, int port, String token, String fingerprint) {

    static final String SCHEME = "openpista+quic";

    /** @return the link */
    @Override
    public String toString() {
        String authority = host.contains(":") ? "[" + host + "]" : host;
        return SCHEME + "://" + authority + ":" + port + "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)
                + "&fp=" + fingerprint;
    }

    /**
     * @throws IllegalArgumentException with a message for the user when the link is not one
     */
    static ConnectUri parse(String text) {
        URI uri;
        try {
            uri = new URI(text.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a link: " + e.getMessage());
        }
        if (!SCHEME.equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("the link must start with " + SCHEME + "://");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("the link names no host (" + SCHEME + "://HOST:PORT?token=…&fp=sha256:…)");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = uri.getPort() < 0 ? MobileSettings.DEFAULT_PORT : uri.getPort();
        Map<String, String> query = new LinkedHashMap<>();
        String raw = uri.getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    query.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        String token = query.getOrDefault("token", "");
        if (token.isEmpty()) {
            throw new IllegalArgumentException("the link has no token=");
        }
        String fingerprint = query.getOrDefault("fp", "").toLowerCase(Locale.ROOT);
        if (!fingerprint.matches("sha256:[0-9a-f]{64}")) {
            throw new IllegalArgumentException("the link needs the certificate's fingerprint: fp=sha256: and 64 hex digits");
        }
        return new ConnectUri(host, port, token, fingerprint);
    }
}
