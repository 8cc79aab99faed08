package io.mailgateway.policy.spf;

import java.util.List;

/**
 * A parsed "v=spf1" record (RFC 7208 4.6.1): its mechanisms in order, and the redirect and exp
 * modifiers (domain-specs, macros not yet expanded; null when absent). Unknown modifiers are dropped.
 */
record SpfRecord(List<Mechanism> mechanisms, String redirect, String exp) {

    enum Kind { ALL, INCLUDE, A, MX, PTR, IP4, IP6, EXISTS }

    /**
     * One directive: qualifier result, mechanism kind, its domain-spec (null means the current domain),
     * the network of ip4/ip6 and the CIDR lengths (the defaults 32 and 128 when not given).
     */
    record Mechanism(SpfResult qualifier, Kind kind, String domainSpec, byte[] network, int cidr4, int cidr6) {

        /** a, mx, ptr, include and exists query DNS and count toward the limit of 10 (RFC 7208 4.6.4). */
        boolean queriesDns() {
            return kind == Kind.A || kind == Kind.MX || kind == Kind.PTR || kind == Kind.INCLUDE || kind == Kind.EXISTS;
        }
    }

    /** RFC 7208 4.5: "v=spf1" (any case) alone or followed by a space. */
    static boolean isSpf(String txt) {
        return txt.regionMatches(true, 0, "v=spf1", 0, 6) && (txt.length() == 6 || txt.charAt(6) == ' ');
    }
}
