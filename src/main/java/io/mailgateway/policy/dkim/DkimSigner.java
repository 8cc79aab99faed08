package io.mailgateway.policy.dkim;

import io.mailgateway.config.ConfigException;
import io.mailgateway.config.GatewayConfig;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Signs outgoing mail (RFC 6376 5, RFC 8463): rsa-sha256 or ed25519-sha256 by the key's type,
 * relaxed/relaxed, From over-signed, body hash streamed. The signing domain is the From: domain
 * (or a parent domain of it), else the envelope sender's, when it is in {@code DKIM_SIGN_DOMAINS}.
 */
public final class DkimSigner {

    /** Header fields signed when present; From is also over-signed (one more than present). */
    static final List<String> SIGNED_HEADERS = List.of("from", "to", "cc", "subject", "date", "message-id",
            "mime-version", "content-type", "content-transfer-encoding", "reply-to", "in-reply-to", "references",
            "sender", "list-id", "list-unsubscribe", "list-unsubscribe-post");

    public record SigningKey(String domain, String selector, PrivateKey key) {
        String algorithm() {
            return key.getAlgorithm().equals("RSA") ? "rsa-sha256" : "ed25519-sha256";
        }
    }

    private static final Pattern ADDRESS_DOMAIN = Pattern.compile("@([A-Za-z0-9.-]+)\\s*>?\\s*$");

    private final Map<String, List<SigningKey>> keys;
    private final LongSupplier epochSeconds;

    public DkimSigner(List<SigningKey> keys, LongSupplier epochSeconds) {
        this.keys = new LinkedHashMap<>();
        keys.forEach(k -> this.keys.computeIfAbsent(k.domain().toLowerCase(Locale.ROOT), d -> new ArrayList<>()).add(k));
        this.epochSeconds = epochSeconds;
    }

    /** {@code DKIM_SIGN_DOMAINS} with key files {@code $DATA_DIR/dkim/DOMAIN.SELECTOR.key}; a missing or bad file fails startup. */
    public static DkimSigner fromConfig(GatewayConfig config) {
        List<SigningKey> keys = new ArrayList<>();
        for (String[] ds : parseDomains(config.get("DKIM_SIGN_DOMAINS"))) {
            Path file = keyFile(config.dataDir(), ds[0], ds[1]);
            try {
                keys.add(new SigningKey(ds[0], ds[1], readPrivateKey(file)));
            } catch (java.nio.file.NoSuchFileException e) {
                throw new ConfigException("DKIM_SIGN_DOMAINS", "no key file " + file + " for " + ds[0] + ":" + ds[1]
                        + " (make one with: java -jar mail-gateway.jar dkim keygen " + ds[0] + " " + ds[1] + ")");
            } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
                throw new ConfigException("DKIM_SIGN_DOMAINS", "key file " + file + " for " + ds[0] + ":" + ds[1]
                        + " is not usable: " + e);
            }
        }
        return new DkimSigner(keys, () -> System.currentTimeMillis() / 1000);
    }

    public static Path keyFile(Path dataDir, String domain, String selector) {
        return dataDir.resolve("dkim").resolve(domain.toLowerCase(Locale.ROOT) + "." + selector + ".key");
    }

    /** {@code domain:selector,domain:selector}; empty means none. */
    public static List<String[]> parseDomains(String value) {
        List<String[]> out = new ArrayList<>();
        for (String item : value.split(",")) {
            if (item.isBlank()) {
                continue;
            }
            String[] ds = item.strip().split(":");
            if (ds.length != 2 || !ds[0].matches("[A-Za-z0-9.-]+\\.[A-Za-z0-9-]+") || !ds[1].matches("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*")) {
                throw new IllegalArgumentException("'" + item.strip() + "' is not domain:selector");
            }
            out.add(new String[] {ds[0].toLowerCase(Locale.ROOT), ds[1]});
        }
        return out;
    }

    /** The Setting check of DKIM_SIGN_DOMAINS. */
    public static String checkDomains(String value) {
        try {
            parseDomains(value);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage() + " (expected e.g. example.com:sel1,example.org:mail)";
        }
    }

    static PrivateKey readPrivateKey(Path file) throws IOException, GeneralSecurityException {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        String b64 = pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getDecoder().decode(b64));
        GeneralSecurityException first;
        try {
            PrivateKey k = KeyFactory.getInstance("RSA").generatePrivate(spec);
            if (((RSAPrivateKey) k).getModulus().bitLength() < DkimKey.MIN_RSA_BITS) {
                throw new GeneralSecurityException("RSA key under " + DkimKey.MIN_RSA_BITS + " bits");
            }
            return k;
        } catch (GeneralSecurityException e) {
            first = e;
        }
        try {
            return KeyFactory.getInstance("Ed25519").generatePrivate(spec);
        } catch (GeneralSecurityException e) {
            throw first.getMessage() != null && first.getMessage().contains("bits") ? first
                    : new GeneralSecurityException("not a PKCS#8 RSA or Ed25519 private key");
        }
    }

    public boolean isEmpty() {
        return keys.isEmpty();
    }

    /** The keys for a From (or envelope) domain: the domain itself or its nearest configured parent. */
    List<SigningKey> keysFor(String domain) {
        if (domain == null) {
            return null;
        }
        String d = domain.toLowerCase(Locale.ROOT);
        while (true) {
            List<SigningKey> k = keys.get(d);
            if (k != null) {
                return k;
            }
            int dot = d.indexOf('.');
            if (dot < 0) {
                return null;
            }
            d = d.substring(dot + 1);
        }
    }

    /**
     * Reads the message once and returns the DKIM-Signature field(s) (with CRLF) to put in front
     * of it, or null when no configured domain fits (or the header section is over 1 MiB). A domain listed with several selectors (e.g.
     * an RSA and an Ed25519 key) gets one signature per key.
     */
    public byte[] sign(InputStream message, String envelopeSender) throws IOException {
        InputStream in = new BufferedInputStream(message, 65536);
        HeaderSection headers;
        try {
            headers = HeaderSection.read(in, DnsDkimVerifier.MAX_HEADER_BYTES);
        } catch (HeaderSection.TooLargeException e) {
            return null; // over 1 MiB of header: not signed (receivers would refuse to verify it too)
        }
        List<HeaderSection.Field> from = headers.all("from");
        List<SigningKey> signing = from.isEmpty() ? null : keysFor(addressDomain(from.get(0).value()));
        if (signing == null) {
            signing = keysFor(envelopeSender == null ? null : addressDomain(envelopeSender));
        }
        if (signing == null) {
            return null;
        }
        BodyHasher body = new BodyHasher(Canonicalization.RELAXED, DkimCrypto.sha256(), -1);
        byte[] buf = new byte[65536];
        for (int n; (n = in.read(buf)) > 0; ) {
            body.update(buf, 0, n);
        }
        byte[] bodyHash = body.finish();
        java.io.ByteArrayOutputStream fields = new java.io.ByteArrayOutputStream(600 * signing.size());
        for (SigningKey key : signing) {
            fields.writeBytes(sign(headers, bodyHash, key));
        }
        return fields.toByteArray();
    }

    private byte[] sign(HeaderSection headers, byte[] bodyHash, SigningKey key) {
        List<String> h = new ArrayList<>();
        for (String name : SIGNED_HEADERS) {
            int n = headers.all(name).size();
            for (int i = 0; i < n + (name.equals("from") ? 1 : 0); i++) {
                h.add(name);
            }
        }
        String template = "DKIM-Signature: v=1; a=" + key.algorithm() + "; c=relaxed/relaxed; d=" + key.domain()
                + "; s=" + key.selector() + ";\r\n\tt=" + epochSeconds.getAsLong() + "; h=" + fold(String.join(":", h))
                + ";\r\n\tbh=" + Base64.getEncoder().encodeToString(bodyHash) + ";\r\n\tb=";
        byte[] data = DkimCrypto.headerData(headers, h, Canonicalization.RELAXED, template);
        try {
            java.security.Signature s = java.security.Signature.getInstance(
                    key.algorithm().equals("rsa-sha256") ? "SHA256withRSA" : "Ed25519");
            s.initSign(key.key());
            s.update(DkimCrypto.signedInput(key.algorithm(), data));
            String b = Base64.getEncoder().encodeToString(s.sign());
            StringBuilder field = new StringBuilder(template);
            for (int i = 0; i < b.length(); i += 64) {
                field.append(i == 0 ? "" : "\r\n\t ").append(b, i, Math.min(b.length(), i + 64));
            }
            return field.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("DKIM signing with " + key.domain() + "/" + key.selector() + " failed", e);
        }
    }

    /** Folds a colon list so that no line gets much longer than 70 characters. */
    private static String fold(String list) {
        StringBuilder out = new StringBuilder();
        int line = 20;
        for (String part : list.split(":")) {
            if (out.length() > 0) {
                if (line + part.length() > 66) {
                    out.append("\r\n\t");
                    line = 8;
                }
                out.append(':');
            }
            out.append(part);
            line += part.length() + 1;
        }
        return out.toString();
    }

    /** The domain of the (last) address in a From: value or envelope path, lower case. */
    static String addressDomain(String value) {
        String v = value.replaceAll("\r?\n", "").strip();
        int lt = v.lastIndexOf('<');
        if (lt >= 0) {
            int gt = v.indexOf('>', lt);
            v = v.substring(lt + 1, gt < 0 ? v.length() : gt);
        }
        Matcher m = ADDRESS_DOMAIN.matcher(v.strip());
        return m.find() ? m.group(1).toLowerCase(Locale.ROOT) : null;
    }
}
