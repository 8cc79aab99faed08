package io.mailgateway.policy.limits;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Who a limit counts: one IPv4 address, or one IPv6 /64. A /64 is what one IPv6 host (or one
 * customer of a provider) normally gets, so counting single IPv6 addresses would let one host
 * open a fresh "client" for each of its 2^64 addresses. IPv4-mapped IPv6 addresses
 * ({@code ::ffff:a.b.c.d}) count as the IPv4 address they carry.
 *
 * @param v6 whether {@code bits} are the upper 64 bits of an IPv6 address
 * @param bits the IPv4 address (unsigned, in the low 32 bits) or the IPv6 /64 prefix
 */
public record ClientKey(boolean v6, long bits) {

    public static ClientKey of(InetAddress address) {
        byte[] b = Addresses.normalize(address).getAddress();
        if (b.length == 4) {
            return new ClientKey(false, Addresses.toLong(b, 0, 4));
        }
        return new ClientKey(true, Addresses.toLong(b, 0, 8));
    }

    /** As text, for a key in a shared store: {@code 192.0.2.7}, or the IPv6 /64 as {@code 2001:db8:0:1::/64}. */
    public String text() {
        if (!v6) {
            return ((bits >>> 24) & 0xff) + "." + ((bits >>> 16) & 0xff) + "." + ((bits >>> 8) & 0xff) + "." + (bits & 0xff);
        }
        return Long.toHexString((bits >>> 48) & 0xffff) + ":" + Long.toHexString((bits >>> 32) & 0xffff) + ":"
                + Long.toHexString((bits >>> 16) & 0xffff) + ":" + Long.toHexString(bits & 0xffff) + "::/64";
    }

    /**
     * The greylisting network: IPv4 /24 (a sending farm retries from a neighbour address),
     * IPv6 /64. As text, so it can be a column of the greylist table.
     */
    public static String greylistNetwork(InetAddress address) {
        InetAddress a = Addresses.normalize(address);
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + ".0/24";
        }
        StringBuilder s = new StringBuilder(24);
        for (int i = 0; i < 8; i += 2) {
            s.append(Integer.toHexString(((b[i] & 0xff) << 8) | (b[i + 1] & 0xff))).append(':');
        }
        return s.append(":/64").toString();
    }

    /** Shared helpers for address bytes. */
    static final class Addresses {

        private Addresses() {
        }

        /** An IPv4-mapped IPv6 address becomes the IPv4 address (RFC 4291 2.5.5.2). */
        static InetAddress normalize(InetAddress address) {
            if (address instanceof Inet6Address) {
                byte[] b = address.getAddress();
                if (isV4Mapped(b)) {
                    try {
                        return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
                    } catch (java.net.UnknownHostException e) {
                        throw new IllegalStateException(e); // cannot happen for 4 bytes
                    }
                }
            }
            return address;
        }

        static boolean isV4Mapped(byte[] b) {
            if (b.length != 16) {
                return false;
            }
            for (int i = 0; i < 10; i++) {
                if (b[i] != 0) {
                    return false;
                }
            }
            return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
        }

        static long toLong(byte[] b, int from, int length) {
            long v = 0;
            for (int i = from; i < from + length; i++) {
                v = (v << 8) | (b[i] & 0xff);
            }
            return v;
        }
    }
}
