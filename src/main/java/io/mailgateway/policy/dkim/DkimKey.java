package io.mailgateway.policy.dkim;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * A parsed DKIM key record (RFC 6376 3.6.1, RFC 8463 for k=ed25519).
 *
 * @param type     "rsa" or "ed25519" (k=)
 * @param key      the public key
 * @param hashes   acceptable hash algorithms (h=), empty = any
 * @param testing  t=y: the domain is testing DKIM
 * @param strict   t=s: the i= domain must equal d=
 */
record DkimKey(String type, PublicKey key, List<String> hashes, boolean testing, boolean strict) {

    /** RSA keys shorter than this are refused (RFC 8301 3.2: verifiers MUST NOT accept under 1024). */
    static final int MIN_RSA_BITS = 1024;
    static final int MAX_RSA_BITS = 8192;

    /** SubjectPublicKeyInfo prefix of an Ed25519 key (RFC 8410): SEQ { SEQ { OID 1.3.101.112 }, BIT STRING }. */
    private static final byte[] ED25519_SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    /** A record that is not a usable key: the reason is a permanent error for the signature. */
    static final class KeyException extends Exception {
        KeyException(String message) {
            super(message);
        }
    }

    static DkimKey parse(String record) throws KeyException {
        TagList tags;
        try {
            tags = TagList.parse(record);
        } catch (IllegalArgumentException e) {
            throw new KeyException("bad key record: " + e.getMessage());
        }
        String v = tags.get("v");
        if (v != null && (!v.equals("DKIM1") || !tags.isFirst("v"))) {
            throw new KeyException("key record v= is not DKIM1 first");
        }
        String p = tags.get("p");
        if (p == null) {
            throw new KeyException("key record has no p=");
        }
        p = TagList.compact(p);
        if (p.isEmpty()) {
            throw new KeyException("key revoked (empty p=)");
        }
        String services = TagList.compact(tags.get("s", "*"));
        if (!Arrays.asList(services.split(":")).stream().anyMatch(s -> s.equals("*") || s.equals("email"))) {
            throw new KeyException("key not for email (s=" + services + ")");
        }
        List<String> flags = Arrays.asList(TagList.compact(tags.get("t", "")).split(":"));
        String h = TagList.compact(tags.get("h", ""));
        List<String> hashes = h.isEmpty() ? List.of() : Arrays.asList(TagList.lower(h).split(":"));
        String type = TagList.lower(TagList.compact(tags.get("k", "rsa")));
        byte[] der;
        try {
            der = Base64.getDecoder().decode(p);
        } catch (IllegalArgumentException e) {
            throw new KeyException("key p= is not base64");
        }
        PublicKey key = switch (type) {
            case "rsa" -> rsa(der);
            case "ed25519" -> ed25519(der);
            default -> throw new KeyException("unknown key type k=" + type);
        };
        return new DkimKey(type, key, hashes, flags.contains("y"), flags.contains("s"));
    }

    private static PublicKey rsa(byte[] der) throws KeyException {
        RSAPublicKey key;
        try {
            key = (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException | ClassCastException e) {
            key = pkcs1(der); // RFC 6376 3.6.1 words it as RSAPublicKey; most publish SubjectPublicKeyInfo
        }
        int bits = key.getModulus().bitLength();
        if (bits < MIN_RSA_BITS) {
            throw new KeyException("RSA key of " + bits + " bits is under the " + MIN_RSA_BITS + "-bit floor");
        }
        if (bits > MAX_RSA_BITS) { // RFC 8301 3.2 asks verifiers for 4096; more only costs us CPU
            throw new KeyException("RSA key of " + bits + " bits is over the " + MAX_RSA_BITS + "-bit ceiling");
        }
        return key;
    }

    /** A bare PKCS#1 RSAPublicKey: SEQUENCE { INTEGER n, INTEGER e }. */
    private static RSAPublicKey pkcs1(byte[] der) throws KeyException {
        try {
            int[] pos = {0};
            expect(der, pos, 0x30);
            length(der, pos);
            BigInteger n = integer(der, pos);
            BigInteger e = integer(der, pos);
            return (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new KeyException("key p= is not an RSA public key");
        }
    }

    private static void expect(byte[] d, int[] pos, int tag) {
        if ((d[pos[0]++] & 0xff) != tag) {
            throw new IllegalArgumentException("unexpected DER tag");
        }
    }

    /**
     * A DER length, checked against what is left of {@code d}: the key record is the sender's
     * (any domain owner's) DNS data, and a 9-octet record claiming a 2 GiB INTEGER made
     * copyOfRange allocate it, an OutOfMemoryError on every message signed with that key.
     */
    private static int length(byte[] d, int[] pos) {
        int b = d[pos[0]++] & 0xff;
        if (b < 0x80) {
            return within(d, pos, b);
        }
        int n = b & 0x7f;
        if (n > 3) {
            throw new IllegalArgumentException("DER length of " + n + " octets"); // > 16 MiB: no key is
        }
        int len = 0;
        for (int i = 0; i < n; i++) {
            len = (len << 8) | (d[pos[0]++] & 0xff);
        }
        return within(d, pos, len);
    }

    private static int within(byte[] d, int[] pos, int len) {
        if (len > d.length - pos[0]) {
            throw new IllegalArgumentException("DER length " + len + " past the end of the key");
        }
        return len;
    }

    private static BigInteger integer(byte[] d, int[] pos) {
        expect(d, pos, 0x02);
        int len = length(d, pos);
        BigInteger v = new BigInteger(1, Arrays.copyOfRange(d, pos[0], pos[0] + len));
        pos[0] += len;
        return v;
    }

    private static PublicKey ed25519(byte[] raw) throws KeyException {
        if (raw.length != 32) {
            throw new KeyException("ed25519 key p= is " + raw.length + " octets, not 32");
        }
        byte[] spki = Arrays.copyOf(ED25519_SPKI_PREFIX, ED25519_SPKI_PREFIX.length + 32);
        System.arraycopy(raw, 0, spki, ED25519_SPKI_PREFIX.length, 32);
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
        } catch (GeneralSecurityException e) {
            throw new KeyException("bad ed25519 key: " + e.getMessage());
        }
    }

    /** The raw 32 octets of an Ed25519 public key, for the p= of a DNS record. */
    static byte[] rawEd25519(PublicKey key) {
        byte[] enc = key.getEncoded();
        return Arrays.copyOfRange(enc, enc.length - 32, enc.length);
    }
}
