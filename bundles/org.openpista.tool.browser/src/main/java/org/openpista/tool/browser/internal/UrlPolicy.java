package org.openpista.tool.browser.internal;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Which URLs the browser may load, checked before {@code browser.navigate} and again for every
 * request the browser makes (redirects, frames, scripts, fetches), so a page cannot lead it where a
 * call could not.
 *
 * <ul>
 *   <li>Only {@code http} and {@code https} (and {@code about:blank}); {@code file:}, {@code
 *       chrome:}, {@code javascript:}, {@code data:} and the rest are refused.
 *   <li>{@code blocked_hosts} always wins.
 *   <li>A non-empty {@code allowed_hosts} limits the browser to the hosts it names ({@code *} is
 *       every public host).
 *   <li>Addresses that are not public (loopback, private ranges, link-local, cloud metadata) are
 *       refused unless an {@code allowed_hosts} entry names the host or covers the address; {@code *}
 *       does not. A host name counts with every address it resolves to.
 *   <li>openpista's own ports on this machine are refused whatever the lists say.
 * </ul>
 */
final class UrlPolicy {

    /** Looks up the addresses of a host name. */
    @FunctionalInterface
    interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private static final String ALLOWED = "[tools.browser] allowed_hosts";
    private static final String BLOCKED = "[tools.browser] blocked_hosts";

    private final List<HostRule> allowed;
    private final List<HostRule> blocked;
    private final Supplier<Set<Integer>> ownPorts;
    private final Resolver resolver;

    /**
     * @param allowed the parsed {@code allowed_hosts}
     * @param blocked the parsed {@code blocked_hosts}
     * @param ownPorts the ports openpista listens on, asked at each check
     */
    UrlPolicy(List<HostRule> allowed, List<HostRule> blocked, Supplier<Set<Integer>> ownPorts, Resolver resolver) {
        this.allowed = List.copyOf(allowed);
        this.blocked = List.copyOf(blocked);
        this.ownPorts = ownPorts;
        this.resolver = resolver;
    }

    /**
     * Parses the entries of a list, skipping those that are none of the forms.
     *
     * @param problems collects one message per skipped entry
     */
    static List<HostRule> rules(String[] entries, String key, List<String> problems) {
        List<HostRule> rules = new ArrayList<>();
        for (String entry : entries == null ? new String[0] : entries) {
            if (entry == null || entry.isBlank()) {
                continue;
            }
            try {
                rules.add(HostRule.parse(entry));
            } catch (IllegalArgumentException e) {
                problems.add("[tools.browser] " + key + ": " + e.getMessage() + "; the entry is ignored");
            }
        }
        return rules;
    }

    /**
     * Turns what a call asked to open into a URL: a missing scheme becomes {@code https://}.
     *
     * @throws BrowserException when it is no URL the browser may open
     */
    URI target(String input) {
        String text = input.strip();
        if (text.isEmpty()) {
            throw new BrowserException(BrowserException.Kind.INVALID_ARGUMENTS, "\"url\" is empty");
        }
        if (text.equalsIgnoreCase("about:blank")) {
            return URI.create("about:blank");
        }
        if (!text.matches("(?s)[A-Za-z][A-Za-z0-9+.-]*:.*") || text.matches("(?s)[^/:]+:\\d+(/.*)?")) {
            text = "https://" + text;
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new BrowserException(BrowserException.Kind.INVALID_ARGUMENTS, "not a URL: " + e.getMessage());
        }
        String refusal = refusal(uri);
        if (refusal != null) {
            throw new BrowserException(BrowserException.Kind.BLOCKED_URL, refusal);
        }
        return uri;
    }

    /** @return why the browser may not load the URL, or {@code null} when it may */
    String refusal(String url) {
        try {
            return refusal(new URI(url));
        } catch (URISyntaxException e) {
            // Chromium sends canonical URLs; what java.net.URI cannot read is refused rather than guessed at
            return "the URL cannot be checked: " + e.getMessage();
        }
    }

    /** @return why the browser may not load the URL, or {@code null} when it may */
    String refusal(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("about") && "blank".equalsIgnoreCase(uri.getSchemeSpecificPart())) {
            return null;
        }
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return (scheme.isEmpty() ? "a URL without scheme" : scheme + ": URLs") + " are refused; the browser opens"
                    + " http and https pages only";
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            return "the URL has no host";
        }
        host = host.toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        String target = host + (uri.getPort() >= 0 ? ":" + port : "");

        InetAddress[] addresses = addresses(host);
        for (HostRule rule : blocked) {
            if (rule.any() || rule.names(host, port) || coversAny(rule, addresses, port)) {
                return target + " is blocked by " + BLOCKED + " (" + rule.entry() + ")";
            }
        }
        for (InetAddress address : addresses) {
            if (isOwnEndpoint(address, port)) {
                return target + " is openpista's own port on this machine; the browser may not use it";
            }
        }
        boolean named = false;
        boolean listed = allowed.isEmpty();
        for (HostRule rule : allowed) {
            named |= rule.names(host, port);
            listed |= rule.any() || rule.names(host, port) || coversAny(rule, addresses, port);
        }
        for (InetAddress address : addresses) {
            AddressKind kind = AddressKind.of(address);
            if (kind == AddressKind.PUBLIC || named || explicitlyAllowed(address, port)) {
                continue;
            }
            String shown = address.getHostAddress();
            return target + (shown.equals(host) ? " is " : " resolves to " + shown + ", ") + kind.description()
                    + "; refused unless " + ALLOWED + " names it (protection against requests into your network)";
        }
        if (!listed) {
            return target + " is not in " + ALLOWED;
        }
        return null;
    }

    private boolean explicitlyAllowed(InetAddress address, int port) {
        for (HostRule rule : allowed) {
            if (rule.covers(address, port) || rule.covers(AddressKind.embeddedIpv4(address), port)) {
                return true;
            }
        }
        return false;
    }

    private static boolean coversAny(HostRule rule, InetAddress[] addresses, int port) {
        for (InetAddress address : addresses) {
            if (rule.covers(address, port) || rule.covers(AddressKind.embeddedIpv4(address), port)) {
                return true;
            }
        }
        return false;
    }

    private boolean isOwnEndpoint(InetAddress address, int port) {
        if (!ownPorts.get().contains(port)) {
            return false;
        }
        InetAddress plain = AddressKind.embeddedIpv4(address);
        if (plain.isLoopbackAddress() || plain.isAnyLocalAddress()) {
            return true;
        }
        try {
            return NetworkInterface.getByInetAddress(plain) != null;
        } catch (SocketException e) {
            return false;
        }
    }

    private InetAddress[] addresses(String host) {
        // Chromium answers *.localhost itself, without asking DNS
        if (host.equals("localhost") || host.endsWith(".localhost")) {
            return new InetAddress[] {InetAddress.getLoopbackAddress()};
        }
        try {
            return resolver.resolve(host);
        } catch (UnknownHostException e) {
            // Chromium will not find it either and fails the request itself
            return new InetAddress[0];
        }
    }
}
