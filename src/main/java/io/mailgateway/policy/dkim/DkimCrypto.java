package io.mailgateway.policy.dkim;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The header hash input shared by signer and verifier (RFC 6376 3.7, 5.4.2). */
final class DkimCrypto {

    private DkimCrypto() {
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The canonicalized header fields named in {@code h} (each name takes the next instance from
     * the bottom; a name with no instance left contributes nothing, which makes over-signing work),
     * then the DKIM-Signature field itself with its b= value empty and without the final CRLF.
     */
    static byte[] headerData(HeaderSection headers, List<String> h, Canonicalization c, String signatureFieldWithoutB) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        Map<String, Integer> used = new HashMap<>();
        for (String name : h) {
            List<HeaderSection.Field> instances = headers.all(name);
            int n = used.merge(name, 1, Integer::sum);
            if (n <= instances.size()) {
                out.writeBytes(Canonicalization.bytes(c.header(instances.get(instances.size() - n).raw())));
            }
        }
        String sig = c.header(signatureFieldWithoutB);
        out.writeBytes(Canonicalization.bytes(sig.substring(0, sig.length() - 2)));
        return out.toByteArray();
    }

    /** The field with the value of its b= tag removed (keeps "b="), RFC 6376 3.7 step 2. */
    static String withoutB(String raw) {
        int colon = raw.indexOf(':');
        int start = colon + 1;
        while (start <= raw.length()) {
            int end = raw.indexOf(';', start);
            if (end < 0) {
                end = raw.length();
            }
            int eq = raw.indexOf('=', start);
            if (eq >= 0 && eq < end && raw.substring(start, eq).strip().equals("b")) {
                String tail = raw.substring(end);
                if (end == raw.length()) { // b= last: keep the field's line end
                    String value = raw.substring(eq + 1);
                    tail = value.endsWith("\r\n") ? "\r\n" : value.endsWith("\n") ? "\n" : "";
                }
                return raw.substring(0, eq + 1) + tail;
            }
            start = end + 1;
        }
        return raw;
    }

    static java.security.Signature verifierFor(String algorithm) throws GeneralSecurityException {
        return java.security.Signature.getInstance(algorithm.equals("ed25519-sha256") ? "Ed25519" : "SHA256withRSA");
    }

    /** What the signature algorithm signs: the header data for RSA, its SHA-256 for Ed25519 (RFC 8463 3). */
    static byte[] signedInput(String algorithm, byte[] headerData) {
        return algorithm.equals("ed25519-sha256") ? sha256().digest(headerData) : headerData;
    }
}
