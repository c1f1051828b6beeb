package org.openpista.tool.browser.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One entry of {@code allowed_hosts} or {@code blocked_hosts}: {@code *} (every public host), a host
 * name ({@code example.org}), a domain with its subdomains ({@code *.example.org}), an address
 * ({@code 10.0.0.5}, {@code ::1}) or a range ({@code 10.0.0.0/8}), each optionally with a port
 * ({@code 127.0.0.1:8080}, {@code [::1]:8080}).
 *
 * @param entry the entry as written, for messages
 * @param any whether it is {@code *}
 * @param name the host name in lower case, or {@code null} for addresses
 * @param subdomains whether the name also covers its subdomains
 * @param network the range's first address, or {@code null} for names
 * @param prefix the range's prefix length in bits
 * @param port the port, or -1 for every port
 */
record HostRule(String entry, boolean any, String name, boolean subdomains, byte[] network, int prefix, int port) {

    private static final Pattern NAME = Pattern.compile("[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*\\.?");
    private static final Pattern IP_LIKE = Pattern.compile("[0-9a-fA-F:.]+");

    /**
     * @throws IllegalArgumentException with a message naming the entry when it is none of the forms
     */
    static HostRule parse(String raw) {
        String entry = raw == null ? "" : raw.strip();
        if (entry.isEmpty()) {
            throw new IllegalArgumentException("an empty entry");
        }
        if (entry.equals("*")) {
            return new HostRule(entry, true, null, false, null, 0, -1);
        }
        String host = entry.toLowerCase(Locale.ROOT);
        int port = -1;
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            if (end < 0) {
                throw new IllegalArgumentException("\"" + entry + "\" lacks the closing ]");
            }
            String rest = host.substring(end + 1);
            host = host.substring(1, end);
            if (!rest.isEmpty()) {
                port = port(rest.startsWith(":") ? rest.substring(1) : "", entry);
            }
        } else if (host.indexOf(':') >= 0 && host.indexOf(':') == host.lastIndexOf(':')) {
            port = port(host.substring(host.indexOf(':') + 1), entry);
            host = host.substring(0, host.indexOf(':'));
        }
        int slash = host.indexOf('/');
        if (slash >= 0) {
            InetAddress address = literal(host.substring(0, slash), entry);
            int bits = address.getAddress().length * 8;
            int prefix;
            try {
                prefix = Integer.parseInt(host.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("\"" + entry + "\" has no valid prefix length");
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("\"" + entry + "\" has a prefix length outside 0.." + bits);
            }
            return new HostRule(entry, false, null, false, address.getAddress(), prefix, port);
        }
        if (IP_LIKE.matcher(host).matches() && (host.indexOf(':') >= 0 || host.chars().filter(c -> c == '.').count() == 3
                && host.chars().allMatch(c -> c == '.' || Character.isDigit(c)))) {
            InetAddress address = literal(host, entry);
            return new HostRule(entry, false, null, false, address.getAddress(), address.getAddress().length * 8, port);
        }
        boolean subdomains = host.startsWith("*.");
        String name = subdomains ? host.substring(2) : host;
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("\"" + entry + "\" is neither a host name, an address nor a range");
        }
        return new HostRule(entry, false, name, subdomains, null, 0, port);
    }

    /** @return whether the rule names this host (by name; addresses are matched by {@link #covers}) */
    boolean names(String host, int requestPort) {
        if (any || name == null || !portMatches(requestPort)) {
            return false;
        }
        return host.equals(name) || subdomains && host.endsWith("." + name);
    }

    /** @return whether the rule's address or range covers the address */
    boolean covers(InetAddress address, int requestPort) {
        if (network == null || !portMatches(requestPort)) {
            return false;
        }
        byte[] bytes = address.getAddress();
        if (bytes.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (bytes[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = 0xff << (8 - rest) & 0xff;
        return (bytes[full] & mask) == (network[full] & mask);
    }

    private boolean portMatches(int requestPort) {
        return port < 0 || port == requestPort;
    }

    private static int port(String text, String entry) {
        try {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("\"" + entry + "\" has no valid port");
    }

    private static InetAddress literal(String text, String entry) {
        if (!IP_LIKE.matcher(text).matches()) {
            throw new IllegalArgumentException("\"" + entry + "\" is not an address");
        }
        try {
            // only literals reach here, so this never asks DNS
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("\"" + entry + "\" is not an address");
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof HostRule rule && rule.entry.equals(entry);
    }

    @Override
    public int hashCode() {
        return entry.hashCode();
    }

    @Override
    public String toString() {
        return entry;
    }
}
