package io.mailgateway.smtp.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Iterator;
import javax.net.ssl.SSLException;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Whether a private key belongs to the leaf of a certificate chain: it signs random bytes and
 * the leaf's public key verifies them. Neither the JDK nor OpenSSL asks when a server context is
 * built, so a mismatched pair (certbot's deploy hook between its two copies, a wrong
 * TLS_KEY_FILE) would only show as every handshake failing.
 */
final class KeyPairCheck {

    private static final SecureRandom RANDOM = new SecureRandom();

    private KeyPairCheck() {
    }

    /** @throws SSLException naming both files when the key is not the leaf certificate's, or a file cannot be read */
    static void check(Path certFile, Path keyFile) throws SSLException {
        X509Certificate leaf = leaf(certFile);
        PrivateKey key = key(keyFile);
        String algorithm = signatureAlgorithm(key);
        try {
            byte[] challenge = new byte[32];
            RANDOM.nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(leaf.getPublicKey());
            verifier.update(challenge);
            if (verifier.verify(signature)) {
                return;
            }
        } catch (GeneralSecurityException e) {
            // a key of another type than the certificate's: no match either
        }
        throw new SSLException("the private key in " + keyFile + " does not belong to the certificate "
                + leaf.getSubjectX500Principal().getName() + " in " + certFile);
    }

    private static String signatureAlgorithm(PrivateKey key) throws SSLException {
        return switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "DSA" -> "SHA256withDSA";
            case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
            default -> throw new SSLException("unsupported private key type " + key.getAlgorithm());
        };
    }

    /** The first certificate of the PEM chain: the server's own (RFC 8446 4.4.2, leaf first). */
    private static X509Certificate leaf(Path certFile) throws SSLException {
        Iterator<? extends java.security.cert.Certificate> chain;
        try (InputStream in = Files.newInputStream(certFile)) {
            chain = CertificateFactory.getInstance("X.509").generateCertificates(in).iterator();
        } catch (IOException | GeneralSecurityException e) {
            throw new SSLException("cannot read the certificate " + certFile + ": " + e.getMessage(), e);
        }
        if (!chain.hasNext()) {
            throw new SSLException("no certificate in " + certFile);
        }
        return (X509Certificate) chain.next();
    }

    private static PrivateKey key(Path keyFile) throws SSLException {
        PrivateKeyInfo info = null;
        try (Reader in = Files.newBufferedReader(keyFile, StandardCharsets.US_ASCII); PEMParser pem = new PEMParser(in)) {
            for (Object o = pem.readObject(); o != null && info == null; o = pem.readObject()) {
                info = o instanceof PrivateKeyInfo pkcs8 ? pkcs8 : o instanceof PEMKeyPair pair ? pair.getPrivateKeyInfo() : null;
            }
            if (info != null) {
                return new JcaPEMKeyConverter().getPrivateKey(info);
            }
        } catch (IOException e) {
            throw new SSLException("cannot read the private key " + keyFile + ": " + e.getMessage(), e);
        }
        throw new SSLException("no unencrypted private key in " + keyFile);
    }
}
