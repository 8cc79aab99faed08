package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.testing.SmtpTestClient;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bounded memory: 8 messages of 50 MB at once (400 MB) into a gateway with a 256 MB heap.
 * Each arrives intact (same SHA-256) and the process survives.
 */
class LargeMessageIT {

    private static final int MESSAGES = 8;
    private static final int LINES = 50 * 1024 * 1024 / 78;

    @TempDir
    Path dir;

    @Test
    void should_accept_eight_concurrent_50_mb_messages_in_a_256_mb_heap() throws Exception {
        int port = GatewayProcess.freePort();
        Map<String, String> env = Map.of("DATA_DIR", dir.resolve("data").toString(), "SMTP_PORT", String.valueOf(port),
                "SMTP_MAX_MESSAGE_SIZE", "60000000");
        try (GatewayProcess gateway = GatewayProcess.start(dir, env, "-Xmx256m")) {
            ExecutorService pool = Executors.newFixedThreadPool(MESSAGES);
            List<Future<String[]>> sent = new ArrayList<>();
            for (int i = 0; i < MESSAGES; i++) {
                int n = i;
                sent.add(pool.submit(() -> send(port, "big" + n + "@example.com")));
            }
            List<String[]> results = new ArrayList<>();
            for (Future<String[]> f : sent) {
                results.add(f.get());
            }
            pool.shutdown();
            assertThat(gateway.isAlive()).isTrue();
            assertThat(gateway.log()).doesNotContain("OutOfMemoryError");
            for (int i = 0; i < MESSAGES; i++) {
                String rcptDir = "big" + i;
                String[] idAndHash = results.get(i);
                await().atMost(Duration.ofSeconds(120)).until(() -> Maildirs.newFiles(dir.resolve("data")).stream()
                        .anyMatch(f -> f.getParent().getParent().getFileName().toString().equals(rcptDir)));
                Path file = Maildirs.newFiles(dir.resolve("data")).stream()
                        .filter(f -> f.getParent().getParent().getFileName().toString().equals(rcptDir)).findFirst().orElseThrow();
                assertThat(Maildirs.queueId(file)).isEqualTo(idAndHash[0]);
                assertThat(bodyHash(file)).isEqualTo(idAndHash[1]);
            }
        }
    }

    /** Streams one 50 MB message; returns its queue ID and the SHA-256 of the message as meant. */
    private static String[] send(int port, String rcpt) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(port)) {
            c.timeout(Duration.ofSeconds(120));
            c.send("MAIL FROM:<s@example.org> SIZE=" + (LINES * 78L + 40)).expect(250, "2.1.0");
            c.send("RCPT TO:<" + rcpt + ">").expect(250, "2.1.5");
            c.send("DATA").expect(354);
            OutputStream out = new BufferedOutputStream(c.output(), 64 * 1024);
            byte[] header = ("Subject: large " + rcpt + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            out.write(header);
            sha.update(header);
            byte[] line = new byte[78];
            for (int i = 0; i < LINES; i++) {
                String text = String.format("%010d", i) + "-".repeat(66);
                System.arraycopy(text.getBytes(StandardCharsets.US_ASCII), 0, line, 0, 76);
                line[76] = '\r';
                line[77] = '\n';
                out.write(line);
                sha.update(line);
            }
            out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String id = SmtpTestClient.queueId(c.expect(250, "2.0.0"));
            return new String[] {id, HexFormat.of().formatHex(sha.digest())};
        }
    }

    /** SHA-256 of a Maildir file after the Return-Path and (folded) Received headers the gateway added. */
    private static String bodyHash(Path file) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file))) {
            int addedLines = 0;
            in.mark(4096);
            byte[] head = in.readNBytes(4096);
            String text = new String(head, StandardCharsets.ISO_8859_1);
            int pos = text.indexOf("\r\n") + 2; // Return-Path
            do {
                pos = text.indexOf("\r\n", pos) + 2; // Received and its continuation lines
                addedLines++;
            } while (text.charAt(pos) == '\t');
            in.reset();
            in.skipNBytes(pos);
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                sha.update(buf, 0, n);
            }
            assertThat(addedLines).isGreaterThanOrEqualTo(2);
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
