package io.mailgateway.policy.dkim;

import io.mailgateway.policy.dns.DnsjavaResolver;
import io.mailgateway.policy.dns.LoopbackDnsServer;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;

/**
 * Run in its own JVM with a small heap by {@link LargeMessageTest}: signs and verifies a message
 * far larger than the heap from a file, then the same with one body octet changed. Prints
 * "RESULT pass fail" when both come out right.
 */
public final class LargeMessageCheck {

    private LargeMessageCheck() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        long size = Long.parseLong(args[1]);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 65536)) {
            out.write(DkimTestSupport.bytes("From: big@example.org\r\nTo: x@example.net\r\nSubject: big\r\n\r\n"));
            byte[] line = "0123456789 abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789\r\n".getBytes(StandardCharsets.US_ASCII);
            for (long n = 0; n < size; n += line.length) {
                out.write(line);
            }
        }
        KeyPair ed = DkimTestSupport.ed25519();
        try (LoopbackDnsServer dns = new LoopbackDnsServer()) {
            DkimTestSupport.publish(dns, "big", "example.org", ed);
            DkimSigner signer = new DkimSigner(List.of(new DkimSigner.SigningKey("example.org", "big", ed.getPrivate())),
                    () -> System.currentTimeMillis() / 1000);
            byte[] field;
            try (InputStream in = Files.newInputStream(file)) {
                field = signer.sign(in, "");
            }
            DnsDkimVerifier verifier = new DnsDkimVerifier(new DkimKeyStore(
                    new DnsjavaResolver(List.of(dns.address()), Duration.ofSeconds(2), 10, 3600), 10, 3600));
            String good;
            try (InputStream in = new SequenceInputStream(new ByteArrayInputStream(field), Files.newInputStream(file))) {
                good = verifier.verify(in).get(0).result().keyword();
            }
            String bad;
            try (InputStream in = new SequenceInputStream(new ByteArrayInputStream(field), flipAt(Files.newInputStream(file), size / 2))) {
                bad = verifier.verify(in).get(0).result().keyword();
            }
            System.out.println("RESULT " + good + " " + bad + " maxHeap=" + Runtime.getRuntime().maxMemory());
        }
    }

    /** The stream with the octet at {@code pos} changed. */
    private static InputStream flipAt(InputStream in, long pos) {
        return new FilterInputStream(in) {
            long at;

            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0 && at++ == pos) {
                    b = b == 'x' ? 'y' : 'x';
                }
                return b;
            }

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                int n = super.read(buf, off, len);
                if (n > 0 && pos >= at && pos < at + n) {
                    int i = off + (int) (pos - at);
                    buf[i] = (byte) (buf[i] == 'x' ? 'y' : 'x');
                }
                at += Math.max(n, 0);
                return n;
            }
        };
    }
}
