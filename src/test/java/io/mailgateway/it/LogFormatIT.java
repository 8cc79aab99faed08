package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.testing.SmtpTestClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.util.json.DeserializationException;
import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LOG_FORMAT on the packaged jar, from start through a message to SIGTERM: json gives one JSON
 * object per line (what a log shipper parses), text (the default) plain lines. Either way the
 * start logs the effective configuration once, with secrets masked.
 */
class LogFormatIT {

    private static final String SECRET = "hunter2-log-format-it";

    /** The users database is opened at every start: a real one, whose URL carries a password the log must hide. */
    private static EmbeddedPostgres pg;

    @TempDir
    Path dir;

    @BeforeAll
    static void database() throws Exception {
        pg = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopDatabase() throws Exception {
        pg.close();
    }

    @Test
    void should_write_one_json_object_per_line_with_log_format_json() throws Exception {
        String log = runOnce(Map.of("LOG_FORMAT", "json"));
        List<JsonObject> events = new ArrayList<>();
        for (String line : log.lines().filter(l -> !l.isBlank()).toList()) {
            Object parsed;
            try {
                parsed = Jsoner.deserialize(line);
            } catch (DeserializationException e) {
                throw new AssertionError("not JSON: " + line, e);
            }
            assertThat(parsed).as("a JSON object: %s", line).isInstanceOf(JsonObject.class);
            JsonObject event = (JsonObject) parsed;
            assertThat(event).as(line).containsKeys("@timestamp", "level", "logger", "message");
            events.add(event);
        }
        assertThat(events).filteredOn(e -> e.getString("message").startsWith("effective configuration")).singleElement()
                .satisfies(e -> assertThat(e.getString("message")).contains("LOG_FORMAT=json (environment)",
                        "DB_PASSWORD=**** (environment)", "SMTP_MAX_RECIPIENTS=100 (default)"));
        assertThat(events).anyMatch(e -> e.getString("logger").startsWith("io.mailgateway.smtp"));
        assertThat(log).doesNotContain(SECRET);
    }

    @Test
    void should_write_plain_text_lines_by_default() throws Exception {
        String log = runOnce(Map.of());
        assertThat(log.lines()).noneMatch(l -> l.startsWith("{"));
        assertThat(log.lines().filter(l -> l.contains("effective configuration"))).singleElement()
                .matches(l -> l.matches("\\d{4}-\\d\\d-\\d\\d[T ]\\d\\d:\\d\\d:\\d\\d.*INFO .*"));
        assertThat(log).contains("  LOG_FORMAT=text (default)", "  DB_PASSWORD=**** (environment)").doesNotContain(SECRET);
    }

    /** Starts the jar, sends one message, waits until it is stored, stops with SIGTERM; returns the whole log. */
    private String runOnce(Map<String, String> settings) throws Exception {
        Path data = dir.resolve("data");
        Map<String, String> env = new HashMap<>(settings);
        env.put("DATA_DIR", data.toString());
        env.put("STORAGE_TYPE", "maildir");
        env.put("DB_PASSWORD", SECRET);
        // logged at start: its password must not be (embedded PostgreSQL trusts loopback, so any password works)
        env.put("DB_URL", "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres?user=postgres&password=" + SECRET);
        try (GatewayProcess gateway = GatewayProcess.start(dir, env);
             SmtpTestClient sender = SmtpTestClient.connectEhlo(gateway.port())) {
            String id = sender.sendMail("s@example.org", List.of("logs@example.com"),
                    "Subject: log format\r\n\r\nbody\r\n.\r\n".getBytes(StandardCharsets.US_ASCII));
            await(id + " in the Maildir").atMost(Duration.ofSeconds(30)).until(() -> !Maildirs.ofQueueId(data, id).isEmpty());
            assertThat(gateway.terminate()).isIn(0, 143);
            return gateway.log();
        }
    }
}
