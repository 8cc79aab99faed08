package io.mailgateway.policy.dkim;

import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/** The tags of one DKIM-Signature field (RFC 6376 3.5), checked as 6.1.1 asks. */
record Signature(String algorithm, String domain, String selector, List<String> headers,
                 Canonicalization headerCanon, Canonicalization bodyCanon, byte[] bodyHash, byte[] signature,
                 long length, String identity, long timestamp, long expires) {

    static final class SignatureException extends Exception {
        final String domain;
        final String selector;

        SignatureException(String domain, String selector, String message) {
            super(message);
            this.domain = domain;
            this.selector = selector;
        }
    }

    static Signature parse(String value) throws SignatureException {
        TagList t;
        try {
            t = TagList.parse(value);
        } catch (IllegalArgumentException e) {
            throw new SignatureException("", "", "bad signature: " + e.getMessage());
        }
        String d = TagList.lower(TagList.compact(t.get("d", "")));
        String s = TagList.compact(t.get("s", ""));
        try {
            if (!"1".equals(t.get("v"))) {
                throw new IllegalArgumentException("v= is not 1");
            }
            String a = TagList.lower(TagList.compact(t.required("a")));
            if (a.equals("rsa-sha1")) {
                // RFC 8301 3.1: verifiers MUST NOT consider rsa-sha1 signatures valid
                throw new IllegalArgumentException("rsa-sha1 is not accepted (RFC 8301)");
            }
            if (!a.equals("rsa-sha256") && !a.equals("ed25519-sha256")) {
                throw new IllegalArgumentException("unknown algorithm a=" + a);
            }
            if (d.isEmpty() || s.isEmpty()) {
                throw new IllegalArgumentException("missing d= or s=");
            }
            if (!d.matches("[a-z0-9_.-]+") || !s.matches("[A-Za-z0-9_.-]+")) {
                throw new IllegalArgumentException("bad d= or s=");
            }
            List<String> h = Arrays.asList(TagList.lower(TagList.compact(t.required("h"))).split(":"));
            if (!h.contains("from")) {
                throw new IllegalArgumentException("h= does not sign From");
            }
            String[] c = TagList.lower(TagList.compact(t.get("c", "simple/simple"))).split("/", -1);
            if (c.length > 2) {
                throw new IllegalArgumentException("bad c=");
            }
            String q = t.get("q");
            if (q != null && !Arrays.asList(TagList.compact(q).split(":")).contains("dns/txt")) {
                throw new IllegalArgumentException("q= has no dns/txt");
            }
            String i = t.get("i");
            if (i != null) {
                String id = domainOf(TagList.compact(i));
                if (!id.equals(d) && !id.endsWith("." + d)) {
                    throw new IllegalArgumentException("i= is not in d=");
                }
            }
            long x = number(t, "x");
            long ts = number(t, "t");
            if (x >= 0 && ts >= 0 && x < ts) {
                throw new IllegalArgumentException("x= is before t=");
            }
            return new Signature(a, d, s, h, Canonicalization.of(c[0]),
                    Canonicalization.of(c.length > 1 ? c[1] : "simple"),
                    base64(t.required("bh")), base64(t.required("b")), number(t, "l"),
                    i == null ? null : TagList.compact(i), ts, x);
        } catch (IllegalArgumentException e) {
            throw new SignatureException(d, s, e.getMessage());
        }
    }

    static String domainOf(String identity) {
        return identity.substring(identity.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
    }

    private static long number(TagList t, String name) {
        String v = TagList.compact(t.get(name));
        if (v == null) {
            return -1;
        }
        if (!v.matches("[0-9]{1,18}")) {
            throw new IllegalArgumentException("bad " + name + "=");
        }
        return Long.parseLong(v);
    }

    private static byte[] base64(String v) {
        try {
            return Base64.getDecoder().decode(TagList.compact(v));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad base64 in b= or bh=");
        }
    }
}
