package io.mailgateway.policy.dkim;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;

/** Key generation for {@code dkim keygen}: the PEM key file and the DNS TXT record text. */
public final class DkimKeys {

    private DkimKeys() {
    }

    /** Generates a key pair, writes the private key (PKCS#8 PEM, 0600, never over an existing file), returns the TXT record. */
    public static String generate(Path file, boolean ed25519, int bits) throws IOException {
        KeyPair pair;
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(ed25519 ? "Ed25519" : "RSA");
            if (!ed25519) {
                g.initialize(bits);
            }
            pair = g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        Files.createDirectories(file.getParent());
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        try (OutputStream out = Files.newOutputStream(Files.createFile(file,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))), StandardOpenOption.WRITE)) {
            out.write(pem.getBytes(StandardCharsets.US_ASCII));
        }
        return record(pair.getPublic());
    }

    /** {@code v=DKIM1; k=rsa; p=...} for a public key (RSA as SubjectPublicKeyInfo, Ed25519 raw, RFC 8463 4.2). */
    public static String record(java.security.PublicKey key) {
        boolean rsa = key.getAlgorithm().equals("RSA");
        byte[] p = rsa ? key.getEncoded() : DkimKey.rawEd25519(key);
        return "v=DKIM1; k=" + (rsa ? "rsa" : "ed25519") + "; p=" + Base64.getEncoder().encodeToString(p);
    }

    /** A zone-file line with the record split into character-strings of at most 255 octets. */
    public static String zoneLine(String name, String record) {
        StringBuilder sb = new StringBuilder(name).append(" IN TXT (");
        for (int i = 0; i < record.length(); i += 255) {
            sb.append(i == 0 ? " \"" : "\n\t\"").append(record, i, Math.min(record.length(), i + 255)).append('"');
        }
        return sb.append(" )").toString();
    }
}
