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
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The packaged gateway with the SQL store (SQLite) and BLOB_STORE=s3 on a real s3proxy, heap
 * 256 MiB: four 50 MiB messages sent at once (200 MiB) each become a row with body null and
 * body_ref {@code s3:mail/blobs/yyyy/mm/dd/QUEUEID.eml}, the object being the Maildir copy minus
 * its Return-Path line, and the gateway never runs out of memory: the blobs are streamed.
 */
class SqlS3BlobsIT {

    private static final String BUCKET = "sql-blobs-it";
    private static final long LARGE = 50L * 1024 * 1024;
    private static final int MESSAGES = 4;

    @TempDir
    Path dir;

    @Test
    void should_stream_large_bodies_to_s3_and_keep_their_reference_in_the_row() throws Exception {
        try (S3ProxyProcess s3 = S3ProxyProcess.start()) {
            Path data = dir.resolve("data");
            Map<String, String> env = new HashMap<>();
            env.put("DATA_DIR", data.toString());
            env.put("STORAGE_TYPE", "maildir,sql");
            env.put("BLOB_STORE", "s3");
            env.put("S3_ENDPOINT", s3.endpoint());
            env.put("S3_BUCKET", BUCKET);
            env.put("AWS_ACCESS_KEY_ID", S3ProxyProcess.ACCESS_KEY);
            env.put("AWS_SECRET_ACCESS_KEY", S3ProxyProcess.SECRET_KEY);
            env.put("SMTP_MAX_MESSAGE_SIZE", "60000000");
            ExecutorService senders = Executors.newFixedThreadPool(MESSAGES);
            try (GatewayProcess gateway = GatewayProcess.start(dir, env, "-Xmx256m");
                 S3Client client = S3Clients.create(s3.endpoint(), "us-east-1", S3ProxyProcess.ACCESS_KEY, S3ProxyProcess.SECRET_KEY)) {
                List<Future<String>> sent = new ArrayList<>();
                for (int i = 0; i < MESSAGES; i++) {
                    String rcpt = "big" + i + "@example.com";
                    sent.add(senders.submit(() -> sendLarge(gateway.port(), rcpt)));
                }
                List<String> ids = new ArrayList<>();
                for (Future<String> f : sent) {
                    ids.add(f.get());
                }
                Path db = data.resolve("gateway.db");
                for (String id : ids) {
                    String[] row = await("row of " + id).atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1))
                            .until(() -> row(db, id), r -> r != null);
                    assertThat(row[0]).as("body kept in the row").isNull();
                    assertThat(row[1]).matches("s3:mail/blobs/\\d{4}/\\d{2}/\\d{2}/" + id + "\\.eml");
                    String key = row[1].substring("s3:".length());
                    await("Maildir copy of " + id).atMost(Duration.ofSeconds(60)).until(() -> !Maildirs.ofQueueId(data, id).isEmpty());
                    Path file = Maildirs.ofQueueId(data, id).get(0).file();
                    assertThat(sha256(client.getObject(b -> b.bucket(BUCKET).key(key)), 0))
                            .as("S3 object %s = Maildir copy minus Return-Path", key)
                            .isEqualTo(sha256(Files.newInputStream(file), returnPathLength(file)));
                }
                assertThat(gateway.isAlive()).isTrue();
                assertThat(gateway.log()).doesNotContain("OutOfMemoryError");
            } finally {
                senders.shutdownNow();
            }
        }
    }

    private static String sendLarge(int port, String rcpt) throws Exception {
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(port).timeout(Duration.ofSeconds(180))) {
            c.send("MAIL FROM:<s@example.org> SIZE=" + LARGE).expect(250, "2.1.0");
            c.send("RCPT TO:<" + rcpt + ">").expect(250, "2.1.5");
            c.send("DATA").expect(354);
            OutputStream out = new BufferedOutputStream(c.output(), 65536);
            out.write(("Subject: large for " + rcpt + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] line = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789\r\n"
                    .getBytes(StandardCharsets.US_ASCII);
            for (long n = 0; n < LARGE; n += line.length) {
                out.write(line);
            }
            out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return SmtpTestClient.queueId(c.expect(250, "2.0.0"));
        }
    }

    /** {body is null ? null : "body", body_ref} of the row, or null while there is none. */
    private static String[] row(Path db, String queueId) throws Exception {
        if (!Files.exists(db)) {
            return null;
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             PreparedStatement ps = c.prepareStatement("SELECT body IS NULL, body_ref FROM messages WHERE queue_id = ?")) {
            ps.setString(1, queueId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new String[] {rs.getBoolean(1) ? null : "body", rs.getString(2)} : null;
            }
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
