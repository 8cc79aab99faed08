package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.testing.SmtpTestClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/storage.md's plug-in guide, done as an operator would: the example route
 * docs/examples/store-files.camel.yaml copied next to the standard routes, "files" added to
 * STORAGE_TYPE, the packaged jar started; a message sent over SMTP lands in that endpoint.
 */
class StoreExampleIT {

    @TempDir
    Path dir;

    /** A ROUTES_DIR with the standard routes plus {@code example} from docs/examples, copied as {@code name}. */
    private Path routesWith(String example, String name) throws Exception {
        Path routes = dir.resolve("routes");
        Files.createDirectories(routes);
        try (Stream<Path> standard = Files.list(Path.of("routes"))) {
            for (Path f : standard.filter(f -> f.toString().endsWith(".camel.yaml")).toList()) {
                Files.copy(f, routes.resolve(f.getFileName()));
            }
        }
        Files.copy(Path.of("docs", "examples", example), routes.resolve(name));
        return routes;
    }

    @Test
    void should_store_mail_through_the_documented_example_route() throws Exception {
        Path routes = routesWith("store-files.camel.yaml", "store-files.camel.yaml");
        Path data = dir.resolve("data");
        Map<String, String> env = Map.of("DATA_DIR", data.toString(), "ROUTES_DIR", routes.toString(),
                "STORAGE_TYPE", "maildir,files", "LOCAL_DOMAINS", "example.com");
        try (GatewayProcess p = GatewayProcess.start(dir, env)) {
            String id;
            try (SmtpTestClient c = SmtpTestClient.connectEhlo(p.port())) {
                c.send("MAIL FROM:<s@example.org>").expect(250, "2.1.0");
                c.send("RCPT TO:<files@example.com>").expect(250, "2.1.5");
                c.send("DATA").expect(354);
                c.sendRaw("Subject: plug-in\r\n\r\nto any endpoint\r\n.\r\n");
                id = SmtpTestClient.queueId(c.expect(250, "2.0.0"));
            }
            Path file = data.resolve("files").resolve(id + ".eml");
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.isRegularFile(file));
            String stored = Files.readString(file, StandardCharsets.ISO_8859_1);
            assertThat(stored).startsWith("Received: from ").contains(" id " + id).endsWith("\r\nSubject: plug-in\r\n\r\nto any endpoint\r\n");
            try (Stream<Path> files = Files.list(data.resolve("files"))) {
                assertThat(files).extracting(f -> f.getFileName().toString()).containsExactly(id + ".eml"); // no temp file left
            }
            assertThat(p.terminate()).isIn(0, 143);
        }
    }

    @Test
    void should_write_each_envelope_into_the_operators_own_table_through_the_sql_example_route() throws Exception {
        Path routes = routesWith("store-sql-endpoint.camel.yaml", "store-envelopes.camel.yaml");
        Path data = dir.resolve("data");
        Map<String, String> env = Map.of("DATA_DIR", data.toString(), "ROUTES_DIR", routes.toString(),
                "STORAGE_TYPE", "maildir,envelopes", "LOCAL_DOMAINS", "example.com");
        try (GatewayProcess p = GatewayProcess.start(dir, env)) {
            java.util.List<String> ids = new java.util.ArrayList<>();
            for (int i = 0; i < 3; i++) {
                try (SmtpTestClient c = SmtpTestClient.connectEhlo(p.port())) {
                    c.send("MAIL FROM:<sender" + i + "@example.org>").expect(250, "2.1.0");
                    c.send("RCPT TO:<a" + i + "@example.com>").expect(250, "2.1.5");
                    c.send("RCPT TO:<b@example.com>").expect(250, "2.1.5");
                    c.send("DATA").expect(354);
                    c.sendRaw("Subject: row " + i + "\r\n\r\nenvelope only\r\n.\r\n");
                    ids.add(SmtpTestClient.queueId(c.expect(250, "2.0.0")));
                }
            }
            Path db = data.resolve("envelopes.db");
            await().atMost(Duration.ofSeconds(30)).until(() -> envelopeRows(db).size() == 3);
            java.util.Map<String, String> rows = envelopeRows(db);
            for (int i = 0; i < 3; i++) {
                assertThat(rows.get(ids.get(i))).isEqualTo("sender" + i + "@example.org|[\"a" + i + "@example.com\",\"b@example.com\"]|2|127.0.0.1");
            }
            try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
                 java.sql.ResultSet rs = c.createStatement().executeQuery("SELECT MIN(received_at), MIN(size) FROM mail_envelopes")) {
                rs.next();
                assertThat(rs.getLong(1)).isGreaterThan(1_700_000_000_000L); // epoch milliseconds
                assertThat(rs.getLong(2)).isPositive();
            }
            assertThat(p.terminate()).isIn(0, 143);
        }
    }

    /** queue_id -> "sender|recipients|count|client_ip" of the example's table, empty while it does not exist. */
    private static java.util.Map<String, String> envelopeRows(Path db) throws Exception {
        java.util.Map<String, String> rows = new java.util.HashMap<>();
        if (!Files.exists(db)) {
            return rows;
        }
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
             java.sql.ResultSet t = c.getMetaData().getTables(null, null, "mail_envelopes", null)) {
            if (!t.next()) {
                return rows;
            }
            try (java.sql.ResultSet rs = c.createStatement().executeQuery(
                    "SELECT queue_id, sender, recipients, recipient_count, client_ip FROM mail_envelopes")) {
                while (rs.next()) {
                    rows.put(rs.getString(1), rs.getString(2) + "|" + rs.getString(3) + "|" + rs.getInt(4) + "|" + rs.getString(5));
                }
            }
        }
        return rows;
    }

    @Test
    void should_warn_at_startup_that_the_memory_store_is_not_durable() throws Exception {
        Map<String, String> env = Map.of("DATA_DIR", dir.resolve("data").toString(), "STORAGE_TYPE", "maildir,memory",
                "MEMORY_STORE_MAX_MESSAGES", "500");
        try (GatewayProcess p = GatewayProcess.start(dir, env)) {
            assertThat(p.log()).containsPattern("WARN .*memory store is NOT durable: it keeps the last 500 messages");
            assertThat(p.terminate()).isIn(0, 143);
        }
    }
}
