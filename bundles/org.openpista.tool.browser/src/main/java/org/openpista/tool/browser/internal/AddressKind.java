package org.openpista.tool.browser.internal;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * What an address is, for the URL policy: only {@link #PUBLIC} addresses are open by default; the
 * rest reach the owner's machine, network or cloud account (SSRF) and need an explicit entry in
 * {@code allowed_hosts}.
 */
enum AddressKind {
    PUBLIC("a public address"),
    LOOPBACK("a loopback address (this machine)"),
    UNSPECIFIED("the unspecified address (this machine)"),
    PRIVATE("a private network address"),
    LINK_LOCAL("a link-local address"),
    METADATA("a cloud metadata address"),
    SPECIAL("a reserved or multicast address");

    private final String description;

    AddressKind(String description) {
        this.description = description;
    }

    /** @return how messages name it */
    String description() {
        return description;
    }

    private record Range(HostRule rule, AddressKind kind) {}

    // most specific first: the metadata addresses lie inside the link-local and private ranges
    private static final List<Range> RANGES = List.of(
            range("169.254.169.254/32", METADATA),
            range("169.254.170.2/32", METADATA),
            range("100.100.100.200/32", METADATA),
            range("fd00:ec2::254/128", METADATA),
            range("0.0.0.0/8", UNSPECIFIED),
            range("127.0.0.0/8", LOOPBACK),
            range("10.0.0.0/8", PRIVATE),
            range("172.16.0.0/12", PRIVATE),
            range("192.168.0.0/16", PRIVATE),
            range("100.64.0.0/10", PRIVATE),
            range("198.18.0.0/15", PRIVATE),
            range("169.254.0.0/16", LINK_LOCAL),
            range("192.0.0.0/24", SPECIAL),
            range("224.0.0.0/3", SPECIAL),
            range("::/128", UNSPECIFIED),
            range("::1/128", LOOPBACK),
            range("fc00::/7", PRIVATE),
            range("fe80::/10", LINK_LOCAL),
            range("fec0::/10", PRIVATE),
            range("ff00::/8", SPECIAL));

    /** @return what the address is; IPv4 inside IPv6 (mapped, compatible, NAT64) counts as the IPv4 address */
    static AddressKind of(InetAddress address) {
        InetAddress plain = embeddedIpv4(address);
        for (Range range : RANGES) {
            if (range.rule.covers(plain, -1)) {
                return range.kind;
            }
        }
        return PUBLIC;
    }

    /** @return the IPv4 address carried in an IPv6 one, or the address itself */
    static InetAddress embeddedIpv4(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address;
        }
        byte[] bytes = address.getAddress();
        boolean zeros = true;
        for (int i = 0; i < 10; i++) {
            zeros &= bytes[i] == 0;
        }
        boolean mapped = zeros && (bytes[10] & 0xff) == 0xff && (bytes[11] & 0xff) == 0xff;
        boolean compatible = zeros && bytes[10] == 0 && bytes[11] == 0 && !(bytes[12] == 0 && bytes[13] == 0
                && bytes[14] == 0);
        boolean nat64 = (bytes[0] & 0xff) == 0x00 && (bytes[1] & 0xff) == 0x64 && (bytes[2] & 0xff) == 0xff
                && (bytes[3] & 0xff) == 0x9b;
        if (!mapped && !compatible && !nat64) {
            return address;
        }
        try {
            return Inet4Address.getByAddress(new byte[] {bytes[12], bytes[13], bytes[14], bytes[15]});
        } catch (UnknownHostException e) {
            return address;
        }
    }

    private static Range range(String cidr, AddressKind kind) {
        return new Range(HostRule.parse(cidr), kind);
    }
}
