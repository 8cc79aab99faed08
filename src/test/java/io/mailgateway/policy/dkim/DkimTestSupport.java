package io.mailgateway.policy.dkim;

import io.mailgateway.policy.dns.LoopbackDnsServer;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.TXTRecord;

/** Keys, DNS publishing and a flexible signer (any tags, canonicalizations, l=, x=) for the DKIM tests. */
final class DkimTestSupport {

    private DkimTestSupport() {
    }

    static KeyPair rsa(int bits) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(bits);
        return g.generateKeyPair();
    }

    static KeyPair ed25519() throws Exception {
        return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    }

    /** Serves {@code record} at {@code selector._domainkey.domain} as TXT, in 255-octet character-strings. */
    static void publish(LoopbackDnsServer dns, String selector, String domain, String record, long ttl) {
        List<String> strings = new ArrayList<>();
        for (int i = 0; i < record.length(); i += 255) {
            strings.add(record.substring(i, Math.min(record.length(), i + 255)));
        }
        dns.add(new TXTRecord(Name.fromConstantString(selector + "._domainkey." + domain + "."), DClass.IN, ttl, strings));
    }

    static void publish(LoopbackDnsServer dns, String selector, String domain, KeyPair pair) {
        publish(dns, selector, domain, DkimKeys.record(pair.getPublic()), 3600);
    }

    /**
     * A DKIM-Signature field over {@code message} with {@code extraTags} (e.g. "x=123; l=10; ")
     * placed before h=.
     */
    static String sign(String message, PrivateKey key, String d, String s, String c, String h, String extraTags, long limit) throws Exception {
        String algorithm = key.getAlgorithm().equals("RSA") ? "rsa-sha256" : "ed25519-sha256";
        String[] canon = c.split("/");
        HeaderSection headers = HeaderSection.read(new ByteArrayInputStream(bytes(message)), 1 << 20);
        BodyHasher body = new BodyHasher(Canonicalization.of(canon.length > 1 ? canon[1] : "simple"), DkimCrypto.sha256(), limit);
        String bodyText = message.indexOf("\r\n\r\n") < 0 ? "" : message.substring(message.indexOf("\r\n\r\n") + 4);
        body.update(bytes(bodyText), 0, bytes(bodyText).length);
        String template = "DKIM-Signature: v=1; a=" + algorithm + "; c=" + c + "; d=" + d + "; s=" + s + ";\r\n\t"
                + extraTags + (limit >= 0 ? "l=" + limit + "; " : "") + "h=" + h + ";\r\n\tbh="
                + Base64.getEncoder().encodeToString(body.finish()) + "; b=";
        byte[] data = DkimCrypto.headerData(headers, List.of(h.toLowerCase().split(":")), Canonicalization.of(canon[0]), template);
        java.security.Signature sig = java.security.Signature.getInstance(algorithm.equals("rsa-sha256") ? "SHA256withRSA" : "Ed25519");
        sig.initSign(key);
        sig.update(DkimCrypto.signedInput(algorithm, data));
        return template + Base64.getEncoder().encodeToString(sig.sign()) + "\r\n";
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static final String MESSAGE = "From: Joe SixPack <joe@football.example.com>\r\n"
            + "To: Suzie Q <suzie@shopping.example.net>\r\n"
            + "Subject: Is dinner ready?\r\n"
            + "Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)\r\n"
            + "Message-ID: <20030712040037.46341.5F8J@football.example.com>\r\n"
            + "\r\n"
            + "Hi.\r\n"
            + "\r\n"
            + "We lost the game.  Are you hungry yet?\r\n"
            + "\r\n"
            + "Joe.\r\n";
}
