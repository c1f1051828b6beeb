package org.openpista.tool.screen.internal;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An X11 display name as in {@code DISPLAY}: {@code [host]:number[.screen]}. An empty host (or
 * {@code unix}) is the local server's socket {@code /tmp/.X11-unix/X<number>}; another host is TCP
 * port 6000 + number ({@code localhost:10.0} is what {@code ssh -X} sets). A name that starts with
 * {@code /} is a socket path followed by {@code :number}, as XQuartz writes it.
 *
 * @param name the name as given
 * @param host the TCP host, empty for a local socket
 * @param number the display number
 * @param screen the screen number, 0 unless given
 * @param socket the local socket, {@code null} for TCP
 */
record X11Display(String name, String host, int number, int screen, Path socket) {

    private static final Pattern NAME = Pattern.compile("^(.*):(\\d{1,5})(?:\\.(\\d{1,3}))?$");

    /** The first TCP port of X servers. */
    static final int TCP_BASE_PORT = 6000;

    /**
     * @return the display named, for example {@code :0}, {@code :99.0}, {@code localhost:10.0}
     * @throws IllegalArgumentException when the name is not a display name
     */
    static X11Display parse(String name) {
        String trimmed = name == null ? "" : name.strip();
        Matcher matcher = NAME.matcher(trimmed);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("\"" + trimmed + "\" is not an X11 display name such as :0 or :1.0");
        }
        String host = matcher.group(1);
        int number = Integer.parseInt(matcher.group(2));
        int screen = matcher.group(3) == null ? 0 : Integer.parseInt(matcher.group(3));
        if (host.startsWith("/")) {
            return new X11Display(trimmed, "", number, screen, Path.of(host));
        }
        if (host.startsWith("unix/")) {
            host = host.substring("unix/".length());
        }
        if (host.isEmpty() || host.equals("unix")) {
            return new X11Display(trimmed, "", number, screen, Path.of("/tmp/.X11-unix/X" + number));
        }
        if (host.startsWith("tcp/")) {
            host = host.substring("tcp/".length());
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new X11Display(trimmed, host, number, screen, null);
    }

    /** @return whether the server is reached over TCP */
    boolean tcp() {
        return socket == null;
    }

    /** @return the TCP port of a remote display */
    int port() {
        return TCP_BASE_PORT + number;
    }
}
