package org.openpista.channel.web.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * How the web chat serves TLS: with the owner's certificate and key, with a self-signed
 * certificate, or not at all (plain HTTP, the default, fine on loopback).
 *
 * @param cert {@code tls_cert}, or {@code null}
 * @param key {@code tls_key}, or {@code null}
 * @param selfSigned {@code tls_self_signed}
 */
record WebTls(Path cert, Path key, boolean selfSigned) {

    static final WebTls NONE = new WebTls(null, null, false);

    /** @return the settings of the configured values (empty strings: not set) */
    static WebTls of(String cert, String key, boolean selfSigned) {
        return new WebTls(path(cert), path(key), selfSigned);
    }

    /** @return whether HTTPS is served instead of HTTP */
    boolean enabled() {
        return cert != null || key != null || selfSigned;
    }

    /**
     * @param home the openpista home, where the key store is kept
     * @param bind the address the chat listens on, which the self-signed certificate names
     * @return the key store to serve with
     * @throws IOException saying what is wrong with the files
     */
    TlsKeystore keystore(Path home, String bind) throws IOException {
        if (cert != null || key != null) {
            if (cert == null || key == null) {
                throw new IOException("[channels.web] tls_cert and tls_key go together: set both, or neither");
            }
            return TlsKeystore.fromPem(home, cert, key);
        }
        return TlsKeystore.selfSigned(home, names(bind));
    }

    /** @return the names a self-signed certificate is for: this machine by name and by its addresses */
    static List<String> names(String bind) {
        List<String> names = new ArrayList<>(List.of("localhost", "127.0.0.1", "::1"));
        try {
            String host = InetAddress.getLocalHost().getHostName();
            if (!names.contains(host) && host.matches("[A-Za-z0-9.-]+")) {
                names.add(host);
            }
        } catch (IOException unknown) {
            // no host name: the addresses serve
        }
        if (!WebSettings.isLoopback(bind) && !bind.equals("0.0.0.0") && !bind.equals("::") && !names.contains(bind)) {
            names.add(bind);
        }
        try {
            for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress address : Collections.list(network.getInetAddresses())) {
                    String text = address.getHostAddress();
                    int zone = text.indexOf('%');
                    text = zone < 0 ? text : text.substring(0, zone);
                    if (!address.isLoopbackAddress() && !address.isLinkLocalAddress() && !names.contains(text)) {
                        names.add(text);
                    }
                }
            }
        } catch (SocketException e) {
            // the loopback names serve
        }
        return names;
    }

    private static Path path(String value) {
        return value == null || value.isBlank() ? null : Path.of(value.strip());
    }
}
