package org.openpista.tool.screen.internal;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * Reads the cookie an X client presents, from the file {@code XAUTHORITY} names (else
 * {@code ~/.Xauthority}), in the format libXau writes: records of a 16-bit family and four
 * length-prefixed fields (address, display number, protocol name, data), big-endian.
 *
 * <p>A record applies when its family is "wild", or "local" with this machine's host name on a
 * local connection, or "internet" with the server's address on TCP, and its number is the display's
 * (or empty). Only {@value #MIT_MAGIC_COOKIE} is used: it is what every X server offers.
 */
final class XAuthority {

    /** The authorization protocol presented. */
    static final String MIT_MAGIC_COOKIE = "MIT-MAGIC-COOKIE-1";

    static final int FAMILY_INTERNET = 0;
    static final int FAMILY_INTERNET6 = 6;
    static final int FAMILY_LOCAL = 256;
    static final int FAMILY_WILD = 65535;

    /** A cookie to present at connection set-up. */
    record Cookie(String protocol, byte[] data) {
        Cookie {
            data = data.clone();
        }

        @Override
        public byte[] data() {
            return data.clone();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Cookie c && c.protocol.equals(protocol) && Arrays.equals(c.data, data);
        }

        @Override
        public int hashCode() {
            return protocol.hashCode() * 31 + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "Cookie[" + protocol + ", " + data.length + " bytes]";
        }
    }

    private XAuthority() {}

    /** @return the authority file the environment names */
    static Path file(Map<String, String> environment) {
        String named = environment.get("XAUTHORITY");
        if (named != null && !named.isBlank()) {
            return Path.of(named);
        }
        String home = environment.getOrDefault("HOME", System.getProperty("user.home"));
        return Path.of(home, ".Xauthority");
    }

    /**
     * @return the cookie for the display, or {@code null} when the file is missing or has none
     *     (servers without access control, such as a bare Xvfb, need none)
     */
    static Cookie find(Path file, X11Display display, String localHost) throws IOException {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        }
        String number = Integer.toString(display.number());
        byte[] serverAddress = display.tcp() && !isLoopback(display.host()) ? address(display.host()) : null;
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(content))) {
            while (true) {
                int family;
                try {
                    family = in.readUnsignedShort();
                } catch (EOFException end) {
                    return null;
                }
                byte[] address = field(in);
                String recordNumber = new String(field(in), StandardCharsets.US_ASCII);
                String protocol = new String(field(in), StandardCharsets.US_ASCII);
                byte[] data = field(in);
                if (!protocol.equals(MIT_MAGIC_COOKIE) || !(recordNumber.isEmpty() || recordNumber.equals(number))) {
                    continue;
                }
                if (family == FAMILY_WILD
                        || (family == FAMILY_LOCAL && serverAddress == null
                                && new String(address, StandardCharsets.US_ASCII).equals(localHost))
                        || ((family == FAMILY_INTERNET || family == FAMILY_INTERNET6) && serverAddress != null
                                && Arrays.equals(address, serverAddress))) {
                    return new Cookie(protocol, data);
                }
            }
        } catch (EOFException truncated) {
            throw new IOException("the X authority file " + file + " is truncated");
        }
    }

    private static byte[] field(DataInputStream in) throws IOException {
        byte[] value = new byte[in.readUnsignedShort()];
        in.readFully(value);
        return value;
    }

    private static boolean isLoopback(String host) {
        if (host.equals("localhost")) {
            return true;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static byte[] address(String host) {
        try {
            return InetAddress.getByName(host).getAddress();
        } catch (UnknownHostException e) {
            return new byte[0];
        }
    }
}
