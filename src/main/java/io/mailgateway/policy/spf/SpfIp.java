package io.mailgateway.policy.spf;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

import org.xbill.DNS.Address;

/**
 * A client address as SPF sees it: 4 octets or 16. An IPv4-mapped IPv6 address (::ffff:a.b.c.d)
 * is IPv4 (RFC 7208 5: "the IPv4 address ... MUST be used"). Parsing never touches DNS.
 */
final class SpfIp {

    private final byte[] octets;

    private SpfIp(byte[] octets) {
        this.octets = octets;
    }

    /** Parses a literal (v4 dotted quad or v6, brackets and a zone id tolerated); null when it is not one. */
    static SpfIp parse(String text) {
        if (text == null) {
            return null;
        }
        String s = text.strip();
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        if (s.regionMatches(true, 0, "IPv6:", 0, 5)) {
            s = s.substring(5);
        }
        int zone = s.indexOf('%');
        if (zone >= 0) {
            s = s.substring(0, zone);
        }
        byte[] b = s.indexOf(':') >= 0 ? Address.toByteArray(s, Address.IPv6) : Address.toByteArray(s, Address.IPv4);
        if (b == null) {
            return null;
        }
        return of(b);
    }

    static SpfIp of(byte[] b) {
        if (b.length == 16 && isV4Mapped(b)) {
            return new SpfIp(Arrays.copyOfRange(b, 12, 16));
        }
        return new SpfIp(b.clone());
    }

    private static boolean isV4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }

    boolean isV4() {
        return octets.length == 4;
    }

    /** Whether the first {@code prefix} bits equal those of {@code network} (same family). */
    boolean inNetwork(byte[] network, int prefix) {
        if (network.length != octets.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (octets[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (octets[full] & mask) == (network[full] & mask);
    }

    boolean equalsAddress(byte[] other) {
        return Arrays.equals(octets, other);
    }

    /** RFC 7208 7.3 %{i}: dotted quad, or for IPv6 32 dot-separated nibbles. */
    String macroForm() {
        if (isV4()) {
            return dotted();
        }
        StringBuilder sb = new StringBuilder(63);
        for (byte b : octets) {
            if (sb.length() > 0) {
                sb.append('.');
            }
            sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append('.').append(Character.forDigit(b & 0xf, 16));
        }
        return sb.toString();
    }

    /** The reverse-lookup name (in-addr.arpa / ip6.arpa) for PTR queries. */
    String reverseName() {
        String[] parts = macroForm().split("\\.");
        StringBuilder sb = new StringBuilder();
        for (int i = parts.length - 1; i >= 0; i--) {
            sb.append(parts[i]).append('.');
        }
        return sb.append(isV4() ? "in-addr.arpa" : "ip6.arpa").toString();
    }

    /** %{v}: "in-addr" or "ip6". */
    String version() {
        return isV4() ? "in-addr" : "ip6";
    }

    /** %{c}: the address in its usual text form. */
    @Override
    public String toString() {
        if (isV4()) {
            return dotted();
        }
        try {
            return InetAddress.getByAddress(octets).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // 16 octets are always an address
        }
    }

    private String dotted() {
        return (octets[0] & 0xff) + "." + (octets[1] & 0xff) + "." + (octets[2] & 0xff) + "." + (octets[3] & 0xff);
    }
}
