package org.openpista.channel.web.internal;

import jakarta.servlet.http.HttpServletResponse;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Headers every response carries: a Content-Security-Policy that lets the page load only its own
 * scripts, styles and images and talk only to its own server, no framing by other sites, no MIME
 * sniffing, no referrer, no caching of answers. The servlets set them on their responses; Jetty's
 * own error pages (a request it refuses before any servlet, such as {@code /../etc/passwd}) get
 * them through the error handler {@link HttpServerConfig} installs.
 */
final class SecurityHeaders {

    static final String CSP = String.join("; ",
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data: blob:",
            "font-src 'self'",
            "connect-src 'self'",
            "manifest-src 'self'",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'");

    /** The headers and their values, in the order they are written. */
    static final Map<String, String> HEADERS = headers();

    private SecurityHeaders() {}

    static void apply(HttpServletResponse response) {
        HEADERS.forEach(response::setHeader);
    }

    /**
     * @return the headers as Felix HTTP's {@code org.apache.felix.http.jetty.errorPageCustomHeaders}
     *     takes them: {@code name=value} pairs joined by {@code ##}
     */
    static String forErrorPages() {
        return HEADERS.entrySet().stream().map(header -> header.getKey() + "=" + header.getValue())
                .collect(Collectors.joining("##"));
    }

    private static Map<String, String> headers() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Security-Policy", CSP);
        headers.put("X-Frame-Options", "DENY");
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("Referrer-Policy", "no-referrer");
        headers.put("Cross-Origin-Opener-Policy", "same-origin");
        headers.put("Cross-Origin-Resource-Policy", "same-origin");
        headers.put("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
        headers.put("Cache-Control", "no-store");
        return Collections.unmodifiableMap(headers);
    }
}
