package io.mailgateway.policy.dkim;

import io.mailgateway.policy.dns.DnsjavaResolver;
import io.mailgateway.policy.dns.LoopbackDnsServer;
import java.io.ByteArrayInputStream;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;

/**
 * Not a test: verifications per second of a 4 KiB message (rsa-2048 and ed25519, warm key cache),
 * one thread. Run: java -cp target/test-classes:target/classes:$(deps) io.mailgateway.policy.dkim.DkimBenchmark
 */
public final class DkimBenchmark {

    private DkimBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        StringBuilder body = new StringBuilder();
        while (body.length() < 4096) {
            body.append("The quick brown fox jumps over the lazy dog, again and again and again.\r\n");
        }
        String message = "From: a@bench.test\r\nTo: b@example.net\r\nSubject: bench\r\n"
                + "Date: Sun, 29 Nov 2026 06:00:00 +0000\r\nMessage-ID: <1@bench.test>\r\n\r\n" + body;
        try (LoopbackDnsServer dns = new LoopbackDnsServer()) {
            DnsDkimVerifier v = new DnsDkimVerifier(new DkimKeyStore(
                    new DnsjavaResolver(List.of(dns.address()), Duration.ofSeconds(2), 100, 3600), 100, 3600));
            for (String kind : List.of("rsa-2048", "ed25519")) {
                KeyPair pair = kind.equals("ed25519") ? DkimTestSupport.ed25519() : DkimTestSupport.rsa(2048);
                DkimTestSupport.publish(dns, kind, "bench.test", pair);
                DkimSigner signer = new DkimSigner(List.of(new DkimSigner.SigningKey("bench.test", kind, pair.getPrivate())), () -> 1_700_000_000L);
                byte[] signed = (new String(signer.sign(new ByteArrayInputStream(DkimTestSupport.bytes(message)), ""),
                        java.nio.charset.StandardCharsets.ISO_8859_1) + message).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
                run(v, signed, 1); // warm up JIT and key cache
                long n = run(v, signed, seconds);
                System.out.printf("%s: %d verifications in %d s = %.0f/s (message %d octets)%n", kind, n, seconds, n / (double) seconds, signed.length);
                long t0 = System.nanoTime();
                int signs = 0;
                while (System.nanoTime() - t0 < seconds * 1_000_000_000L) {
                    signer.sign(new ByteArrayInputStream(signed), "");
                    signs++;
                }
                System.out.printf("%s: %.0f signatures/s%n", kind, signs / (double) seconds);
            }
        }
    }

    private static long run(DnsDkimVerifier v, byte[] signed, int seconds) throws Exception {
        long t0 = System.nanoTime();
        long n = 0;
        while (System.nanoTime() - t0 < seconds * 1_000_000_000L) {
            if (v.verify(new ByteArrayInputStream(signed)).get(0).result() != DkimResult.Result.PASS) {
                throw new IllegalStateException("did not pass");
            }
            n++;
        }
        return n;
    }
}
