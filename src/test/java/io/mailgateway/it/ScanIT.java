package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.testing.ClamdProcess;
import io.mailgateway.testing.RspamdProcess;
import io.mailgateway.testing.ScanEngines;
import io.mailgateway.testing.SmtpTestClient;
import io.mailgateway.testing.SmtpTestClient.Reply;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spam and virus scanning end to end: real SMTP into the packaged gateway, which asks a real
 * rspamd and a real clamd on loopback ({@link ScanEngines}: rspamd's test rule scores a message by
 * its {@code X-Test-Score:} field, clamd knows the EICAR signature only). What is stored is read
 * back from the Maildir and the SQLite database; what is refused must leave nothing behind.
 */
class ScanIT {

    @RegisterExtension
    static final ScanEngines ENGINES = new ScanEngines();

    @TempDir
    Path dir;

    @Test
    void should_store_clean_mail_quarantine_and_reject_spam_refuse_viruses_and_follow_the_default_fail_actions() throws Exception {
        int metricsPort = GatewayProcess.freePort();
        Map<String, String> env = env(metricsPort);
        env.put("RSPAMD_URL", ENGINES.rspamd().url());
        env.put("CLAMD_ADDRESS", ENGINES.clamd().address());
        env.put("SPAM_THRESHOLD", "5");
        env.put("SPAM_REJECT_THRESHOLD", "12");
        try (GatewayProcess gateway = GatewayProcess.start(dir, env)) {
            // clean, and large enough to be spooled to a file: streamed to both engines from it
            String bulk = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit.\r\n").repeat(5000);
            accepted(gateway, "clean@example.com", "Subject: clean\r\n\r\n" + bulk);
            String clean = stored("clean", false);
            assertThat(clean).contains("X-Spam-Score: 0.00\r\n", "X-Spam-Status: No, score=0.00 required=5.00\r\n",
                    "X-Virus-Scanned: ClamAV (clamd) at ");
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(row("clean@example.com"))
                    .containsEntry("quarantined", 0).containsEntry("spam_score", 0.0).containsEntry("spam_verdict", "clean"));

            accepted(gateway, "between@example.com", RspamdProcess.SCORE_FIELD + ": 8\r\nSubject: offer\r\n\r\nbuy\r\n");
            assertThat(stored("between", true)).contains("X-Spam-Score: 8.00\r\n", "X-Spam-Status: Yes, score=8.00 required=5.00\r\n");
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(row("between@example.com"))
                    .containsEntry("quarantined", 1).containsEntry("spam_score", 8.0).containsEntry("spam_verdict", "spam"));

            Reply overThreshold = refused(gateway, "over@example.com", RspamdProcess.SCORE_FIELD + ": 13\r\nSubject: offer\r\n\r\nbuy\r\n");
            assertThat(overThreshold.code()).isEqualTo(550);
            assertThat(overThreshold.status()).isEqualTo("5.7.1");
            Reply gtube = refused(gateway, "gtube@example.com", "Subject: gtube\r\n\r\n" + RspamdProcess.GTUBE + "\r\n");
            assertThat(gtube.code()).isEqualTo(550);
            assertThat(gtube.status()).isEqualTo("5.7.1");
            Reply eicar = refused(gateway, "eicar@example.com", "Subject: virus\r\n\r\n" + ClamdProcess.EICAR + "\r\n");
            assertThat(eicar.code()).isEqualTo(554);
            assertThat(eicar.status()).isEqualTo("5.7.1");
            System.out.println("GTUBE reply: " + gtube.code() + " " + gtube.status() + " " + gtube.text());
            System.out.println("EICAR reply: " + eicar.code() + " " + eicar.status() + " " + eicar.text());

            // rspamd stops: SPAM_FAIL_ACTION=accept (the default) stores it, saying it was not scanned
            ENGINES.rspamd().stop();
            accepted(gateway, "nospam@example.com", "Subject: while rspamd is down\r\n\r\nhello\r\n");
            assertThat(stored("nospam", false)).contains("X-Spam-Status: Unknown, not scanned (spam scanner unavailable)\r\n")
                    .doesNotContain("X-Spam-Score");
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(row("nospam@example.com"))
                    .containsEntry("spam_verdict", "unscanned").containsEntry("spam_score", null));

            // clamd stops too: VIRUS_FAIL_ACTION=tempfail (the default)
            ENGINES.clamd().stop();
            Reply noClamd = refused(gateway, "novirus@example.com", "Subject: while clamd is down\r\n\r\nhello\r\n");
            assertThat(noClamd.code()).isEqualTo(451);
            assertThat(noClamd.status()).isEqualTo("4.7.1");

            // nothing refused left anything behind
            for (String box : List.of("over", "gtube", "eicar", "novirus")) {
                assertThat(dir.resolve("data/maildir/example.com/" + box)).doesNotExist();
                assertThat(row(box + "@example.com")).isEmpty();
            }
            Map<String, Double> metrics = MetricsIT.scrape(metricsPort);
            assertThat(metrics).containsEntry("smtp_policy_results_total{check=\"spam\",result=\"clean\"}", 1.0)
                    .containsEntry("smtp_policy_results_total{check=\"spam\",result=\"quarantine\"}", 1.0)
                    .containsEntry("smtp_policy_results_total{check=\"spam\",result=\"reject\"}", 2.0)
                    .containsEntry("smtp_policy_results_total{check=\"spam\",result=\"error\"}", 1.0)
                    .containsEntry("smtp_policy_results_total{check=\"spam\",result=\"tempfail\"}", 0.0)
                    .containsEntry("smtp_policy_results_total{check=\"virus\",result=\"infected\"}", 1.0)
                    .containsEntry("smtp_policy_results_total{check=\"virus\",result=\"error\"}", 1.0)
                    .containsEntry("smtp_policy_results_total{check=\"virus\",result=\"skipped\"}", 0.0);
        }
    }

    @Test
    void should_tempfail_for_a_down_rspamd_and_accept_unscanned_for_a_down_clamd_when_configured_so() throws Exception {
        int metricsPort = GatewayProcess.freePort();
        Map<String, String> env = env(metricsPort);
        // nothing listens on these ports: both engines are down from the start
        env.put("RSPAMD_URL", "http://127.0.0.1:" + GatewayProcess.freePort());
        env.put("CLAMD_ADDRESS", "127.0.0.1:" + GatewayProcess.freePort());
        env.put("SPAM_FAIL_ACTION", "tempfail");
        env.put("VIRUS_FAIL_ACTION", "accept");
        env.put("SCAN_BREAKER_FAILURES", "2");
        env.put("SCAN_BREAKER_COOLDOWN", "1h");
        env.put("SPAM_CHECK_ENABLED", "false");
        try (GatewayProcess gateway = GatewayProcess.start(dir.resolve("virus-down"), env)) {
            accepted(gateway, "unscanned@example.com", "Subject: hello\r\n\r\nhello\r\n");
            assertThat(stored(dir.resolve("virus-down/data"), "unscanned", false))
                    .contains("X-Virus-Scanned: no, virus scanner unavailable\r\n").doesNotContain("X-Spam-");
        }
        env.put("SPAM_CHECK_ENABLED", "true");
        env.put("VIRUS_SCAN_ENABLED", "false");
        try (GatewayProcess gateway = GatewayProcess.start(dir.resolve("spam-down"), env)) {
            for (int i = 0; i < 3; i++) {
                Reply r = refused(gateway, "deferred@example.com", "Subject: hello\r\n\r\nhello\r\n");
                assertThat(r.code()).isEqualTo(451);
                assertThat(r.status()).isEqualTo("4.7.1");
            }
            assertThat(dir.resolve("spam-down/data/maildir/example.com/deferred")).doesNotExist();
            Map<String, Double> metrics = MetricsIT.scrape(metricsPort);
            assertThat(metrics).containsEntry("smtp_policy_results_total{check=\"spam\",result=\"error\"}", 2.0)
                    .as("the third message finds the breaker open and is not sent to rspamd")
                    .containsEntry("smtp_policy_results_total{check=\"spam\",result=\"breaker_open\"}", 1.0);
        }
    }

    private Map<String, String> env(int metricsPort) {
        Map<String, String> env = new HashMap<>();
        env.put("DATA_DIR", "data");
        env.put("METRICS_PORT", String.valueOf(metricsPort));
        env.put("STORAGE_TYPE", "maildir,sql");
        env.put("SPOOL_THRESHOLD", "65536"); // the 290 KB clean message is read from a spool file
        env.put("SPAM_CHECK_ENABLED", "true");
        env.put("VIRUS_SCAN_ENABLED", "true");
        return env;
    }

    private static void accepted(GatewayProcess gateway, String rcpt, String message) throws IOException {
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(gateway.port())) {
            c.sendMail("sender@example.org", List.of(rcpt), (message + ".\r\n").getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** Sends a message expected to be refused at end of data; returns the refusal. */
    private static Reply refused(GatewayProcess gateway, String rcpt, String message) throws IOException {
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(gateway.port())) {
            c.send("MAIL FROM:<sender@example.org>").expect(250);
            c.send("RCPT TO:<" + rcpt + ">").expect(250);
            c.send("DATA").expect(354);
            c.sendRaw(message + ".\r\n");
            Reply r = c.read();
            c.send("NOOP").expect(250); // the session goes on after a refused message
            return r;
        }
    }

    /** The one stored copy in the mailbox's new/ (or its .Junk folder's, when quarantined). */
    private String stored(String mailbox, boolean junk) throws Exception {
        return stored(dir.resolve("data"), mailbox, junk);
    }

    private static String stored(Path dataDir, String mailbox, boolean junk) throws Exception {
        Path box = dataDir.resolve("maildir/example.com/" + mailbox + (junk ? "/.Junk" : "") + "/new");
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.isDirectory(box) && count(box) == 1);
        return Files.readString(only(box), StandardCharsets.US_ASCII);
    }

    /** quarantined, spam_score and spam_verdict of the row for this recipient; empty when there is none. */
    private Map<String, Object> row(String rcpt) throws Exception {
        Path db = dir.resolve("data/gateway.db");
        Map<String, Object> row = new HashMap<>();
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> Files.exists(db));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             PreparedStatement ps = c.prepareStatement(
                     "SELECT quarantined, spam_score, spam_verdict FROM messages WHERE recipients LIKE ?")) {
            ps.setString(1, "%\"" + rcpt + "\"%");
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    row.put("quarantined", rs.getInt(1));
                    row.put("spam_score", rs.getObject(2) == null ? null : rs.getDouble(2));
                    row.put("spam_verdict", rs.getString(3));
                }
            }
        }
        return row;
    }

    private static Path only(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.findFirst().orElseThrow();
        }
    }

    private static long count(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        }
    }
}
