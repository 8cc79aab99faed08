package io.mailgateway.policy.limits;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * A list of IPv4 and IPv6 networks in CIDR notation ({@code 127.0.0.0/8,::1,2001:db8::/32});
 * a bare address is a /32 or /128. IPv4-mapped IPv6 forms ({@code ::ffff:127.0.0.1},
 * {@code ::ffff:10.0.0.0/104}) mean their IPv4 network, and a mapped client address matches
 * IPv4 entries. Immutable; {@link #contains} takes no lock.
 */
public final class CidrSet {

    /** One network: address and mask as two 64-bit halves (IPv4 uses only {@code lo}). */
    private record Net(boolean v6, long hi, long lo, long maskHi, long maskLo) {
        boolean matches(boolean isV6, long h, long l) {
            return v6 == isV6 && (h & maskHi) == hi && (l & maskLo) == lo;
        }
    }

    private static final CidrSet EMPTY = new CidrSet(new Net[0], "");

    private final Net[] nets;
    private final String text;

    private CidrSet(Net[] nets, String text) {
        this.nets = nets;
        this.text = text;
    }

    public static CidrSet empty() {
        return EMPTY;
    }

    /**
     * Parses a comma-separated list; blank means empty. Only address literals are accepted
     * (never a host name: no DNS lookup at startup).
     *
     * @throws IllegalArgumentException naming the entry that is not a network
     */
    public static CidrSet parse(String list) {
        List<Net> nets = new ArrayList<>();
        for (String raw : list.split(",")) {
            String entry = raw.trim();
            if (!entry.isEmpty()) {
                nets.add(parseOne(entry));
            }
        }
        return new CidrSet(nets.toArray(new Net[0]), list.trim());
    }

    /** For a configuration check: null when good, else what is wrong. */
    public static String check(String list) {
        try {
            parse(list);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    private static Net parseOne(String entry) {
        int slash = entry.indexOf('/');
        String addr = slash < 0 ? entry : entry.substring(0, slash);
        boolean written6 = addr.contains(":");
        if (!written6 && !addr.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            throw bad(entry);
        }
        if (written6 && !addr.matches("[0-9A-Fa-f:.]+")) {
            throw bad(entry); // no zone ids, no brackets, never a name to resolve
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(addr); // a literal: parsed, not looked up
        } catch (UnknownHostException e) {
            throw bad(entry);
        }
        boolean v4 = address instanceof Inet4Address;
        int max = v4 ? 32 : 128;
        int prefix = max;
        if (slash >= 0) {
            String p = entry.substring(slash + 1);
            if (!p.matches("\\d{1,3}")) {
                throw bad(entry);
            }
            prefix = Integer.parseInt(p);
            if (v4 && written6) {
                // ::ffff:a.b.c.d/N: Java hands back the IPv4 address, the prefix counts 128 bits
                if (prefix < 96) {
                    throw bad(entry);
                }
                prefix -= 96;
            }
            if (prefix > max) {
                throw bad(entry);
            }
        }
        byte[] b = address.getAddress();
        if (v4) {
            long mask = prefix == 0 ? 0 : (0xFFFF_FFFFL << (32 - prefix)) & 0xFFFF_FFFFL;
            return new Net(false, 0, ClientKey.Addresses.toLong(b, 0, 4) & mask, 0, mask);
        }
        long maskHi = prefix >= 64 ? -1L : prefix == 0 ? 0 : -1L << (64 - prefix);
        long maskLo = prefix <= 64 ? 0 : prefix == 128 ? -1L : -1L << (128 - prefix);
        return new Net(true, ClientKey.Addresses.toLong(b, 0, 8) & maskHi,
                ClientKey.Addresses.toLong(b, 8, 8) & maskLo, maskHi, maskLo);
    }

    private static IllegalArgumentException bad(String entry) {
        return new IllegalArgumentException("'" + entry + "' is not an IPv4 or IPv6 address or network (CIDR, e.g. 192.0.2.0/24 or 2001:db8::/32)");
    }

    public boolean isEmpty() {
        return nets.length == 0;
    }

    public boolean contains(InetAddress address) {
        if (nets.length == 0) {
            return false;
        }
        byte[] b = address.getAddress();
        boolean v6 = b.length == 16 && !ClientKey.Addresses.isV4Mapped(b);
        long hi = v6 ? ClientKey.Addresses.toLong(b, 0, 8) : 0;
        long lo = v6 ? ClientKey.Addresses.toLong(b, 8, 8) : ClientKey.Addresses.toLong(b, b.length - 4, 4);
        for (Net n : nets) {
            if (n.matches(v6, hi, lo)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return text;
    }
}
