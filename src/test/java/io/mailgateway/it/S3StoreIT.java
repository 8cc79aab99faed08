package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.store.s3.S3Clients;
import io.mailgateway.testing.S3ProxyProcess;
import io.mailgateway.testing.SmtpTestClient;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The packaged gateway with the S3 store, S3 down from the start: the gateway still starts
 * and accepts (a small and a 50 MiB message, 256 MiB heap), the Maildir store writes, and once
 * S3 is up the S3 route starts by itself and uploads both, the large one without ever holding
 * it in the heap.
 */
class S3StoreIT {

    private static final String BUCKET = "mail-it";
    private static final long LARGE = 50L * 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void should_start_and_accept_while_s3_is_down_then_upload_when_it_is_back() throws Exception {
        try (S3ProxyProcess s3 = S3ProxyProcess.start()) {
            s3.stop();
            Path data = dir.resolve("data");
            Map<String, String> env = new HashMap<>();
            env.put("DATA_DIR", data.toString());
            env.put("STORAGE_TYPE", "maildir,s3");
            env.put("S3_ENDPOINT", s3.endpoint());
            env.put("S3_BUCKET", BUCKET);
            env.put("AWS_ACCESS_KEY_ID", S3ProxyProcess.ACCESS_KEY);
            env.put("AWS_SECRET_ACCESS_KEY", S3ProxyProcess.SECRET_KEY);
            env.put("SMTP_MAX_MESSAGE_SIZE", "60000000");
            try (GatewayProcess gateway = GatewayProcess.start(dir, env, "-Xmx256m");
                 S3Client client = S3Clients.create(s3.endpoint(), "us-east-1", S3ProxyProcess.ACCESS_KEY, S3ProxyProcess.SECRET_KEY)) {
                String small;
                String large;
                try (SmtpTestClient c = SmtpTestClient.connectEhlo(gateway.port()).timeout(Duration.ofSeconds(120))) {
                    small = c.sendMail("s@example.org", List.of("small@example.com"),
                            "Subject: small\r\n\r\nbody\r\n.\r\n".getBytes(StandardCharsets.US_ASCII));
                    c.send("MAIL FROM:<s@example.org> SIZE=" + LARGE).expect(250, "2.1.0");
                    c.send("RCPT TO:<large@example.com>").expect(250, "2.1.5");
                    c.send("DATA").expect(354);
                    OutputStream out = new BufferedOutputStream(c.output(), 65536);
                    out.write("Subject: large\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    byte[] line = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789\r\n"
                            .getBytes(StandardCharsets.US_ASCII);
                    for (long n = 0; n < LARGE; n += line.length) {
                        out.write(line);
                    }
                    out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    large = SmtpTestClient.queueId(c.expect(250, "2.0.0"));
                }
                await("both in the Maildir").atMost(Duration.ofSeconds(60))
                        .until(() -> !Maildirs.ofQueueId(data, small).isEmpty() && !Maildirs.ofQueueId(data, large).isEmpty());

                s3.startAgain();
                await("both in S3").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> keys(client).stream().filter(k -> k.endsWith("/" + small + ".eml") || k.endsWith("/" + large + ".eml")).count() == 2);
                for (String id : List.of(small, large)) {
                    String key = keys(client).stream().filter(k -> k.endsWith("/" + id + ".eml")).findFirst().orElseThrow();
                    Path file = Maildirs.ofQueueId(data, id).get(0).file();
                    assertThat(sha256(client.getObject(b -> b.bucket(BUCKET).key(key)), 0))
                            .as("S3 object %s = Maildir copy minus Return-Path", key)
                            .isEqualTo(sha256(Files.newInputStream(file), returnPathLength(file)));
                }
                assertThat(gateway.isAlive()).isTrue();
                assertThat(gateway.log()).doesNotContain("OutOfMemoryError");
            }
        }
    }

    private static List<String> keys(S3Client client) {
        try {
            return client.listObjectsV2Paginator(b -> b.bucket(BUCKET)).contents().stream().map(S3Object::key).toList();
        } catch (RuntimeException noBucketYet) {
            return List.of();
        }
    }

    private static long returnPathLength(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            String head = new String(in.readNBytes(1024), StandardCharsets.ISO_8859_1);
            assertThat(head).startsWith("Return-Path:");
            return head.indexOf("\r\n") + 2;
        }
    }

    private static String sha256(InputStream in, long skip) throws Exception {
        try (in) {
            in.skipNBytes(skip);
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[65536];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        }
    }
}
