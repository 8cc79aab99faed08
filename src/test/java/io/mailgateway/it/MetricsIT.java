package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.testing.CaptureSmtpServer;
import io.mailgateway.testing.SmtpTestClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.TXTRecord;

/**
 * /metrics before and after a known workload, on a gateway process of its own (so nothing else
 * moves its counters): one message accepted for a local mailbox, one recipient refused at RCPT
 * (no open relay), one message rejected by the sender domain's DMARC policy, one relayed message
 * whose next hop answers 450 once and then 250, one unknown command. Every counter the issue
 * names moves by exactly what that workload implies.
 */
class MetricsIT {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})? (\\S+)$");

    @TempDir
    Path dir;

    @Test
    void should_move_each_counter_by_exactly_the_workload() throws Exception {
        String dmarcDomain = "dmarc-reject.metrics.test";
        var dns = GatewayProcess.loopbackDns();
        dns.add(new TXTRecord(Name.fromConstantString(dmarcDomain + "."), DClass.IN, 300, "v=spf1 -all"));
        dns.add(new TXTRecord(Name.fromConstantString("_dmarc." + dmarcDomain + "."), DClass.IN, 300, "v=DMARC1; p=reject"));
        int metricsPort = GatewayProcess.freePort();
        try (CaptureSmtpServer hop = CaptureSmtpServer.start()) {
            Map<String, String> env = Map.of(
                    "DATA_DIR", dir.resolve("data").toString(),
                    "METRICS_PORT", String.valueOf(metricsPort),
                    "TRANSPORT_MAP", "relay.test=smtp:[127.0.0.1]:" + hop.port(),
                    "QUEUE_INITIAL_RETRY_DELAY", "200ms",
                    "STORAGE_TYPE", "maildir,sql");
            try (GatewayProcess gateway = GatewayProcess.start(dir, env)) {
                Map<String, Double> before = scrape(metricsPort);
                assertThat(before).containsKeys(
                        "smtp_queue_size{queue=\"delivery\"}", "smtp_queue_size{queue=\"store.maildir.dlq\"}",
                        "smtp_queue_oldest_age_seconds{queue=\"store.sql\"}",
                        "smtp_connections_rejected_total{reason=\"rate_limit\"}",
                        "smtp_errors_total{kind=\"queue_write\"}",
                        "smtp_policy_results_total{check=\"dmarc\",result=\"fail\"}");

                byte[] local = "Subject: one\r\n\r\nlocal body\r\n.\r\n".getBytes(StandardCharsets.US_ASCII);
                byte[] relayed = "Subject: two\r\n\r\nrelayed body, a little longer\r\n.\r\n".getBytes(StandardCharsets.US_ASCII);
                String relayRcpt = "temp1-metrics@relay.test"; // 450 once, then 250
                try (SmtpTestClient c = SmtpTestClient.connectEhlo(gateway.port())) {
                    c.sendMail("sender@example.org", List.of("someone@example.com"), local);
                    c.sendMail("sender@example.org", List.of(relayRcpt), relayed);
                    c.send("FROB").expect(500, "5.5.2");
                    c.send("MAIL FROM:<sender@example.org>").expect(250);
                    c.send("RCPT TO:<victim@elsewhere.example>").expect(550, "5.7.1");
                    c.send("RSET").expect(250);
                    c.send("QUIT").expect(221);
                }
                try (SmtpTestClient c = SmtpTestClient.connectEhlo(gateway.port())) {
                    c.send("MAIL FROM:<a@" + dmarcDomain + ">").expect(250);
                    c.send("RCPT TO:<someone@example.com>").expect(250);
                    c.send("DATA").expect(354);
                    c.sendRaw("From: a@" + dmarcDomain + "\r\nSubject: spoof\r\n\r\nx\r\n.\r\n");
                    c.expect(550, "5.7.1");
                    c.send("QUIT").expect(221);
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> hop.messagesFor(relayRcpt).size() == 1);
                // the sessions closed, the relayed attempt settled, the stores drained
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(scrape(metricsPort))
                        .containsEntry("smtp_connections_active", 0.0)
                        .containsEntry("smtp_messages_sent_total{result=\"delivered\"}", 1.0)
                        .containsEntry("smtp_queue_size{queue=\"store.sql\"}", 0.0)
                        .containsEntry("smtp_queue_size{queue=\"store.maildir\"}", 0.0));
                Map<String, Double> after = scrape(metricsPort);
                Map<String, Double> moved = new HashMap<>();
                after.forEach((k, v) -> moved.put(k, v - before.getOrDefault(k, 0.0)));

                assertThat(moved).containsEntry("smtp_messages_received_total", 2.0)
                        .containsEntry("smtp_bytes_received_total", (double) (local.length - 3 + relayed.length - 3))
                        .containsEntry("smtp_connections_total", 2.0)
                        .containsEntry("smtp_processing_duration_seconds_count{result=\"accepted\"}", 2.0)
                        .containsEntry("smtp_processing_duration_seconds_count{result=\"refused\"}", 1.0)
                        .containsEntry("smtp_processing_duration_seconds_count{result=\"failed\"}", 0.0)
                        .containsEntry("smtp_responses_total{code=\"250\",enhanced=\"2.0.0\"}", 3.0) // two queued, RSET
                        .containsEntry("smtp_responses_total{code=\"550\",enhanced=\"5.7.1\"}", 2.0) // relay denied, DMARC
                        .containsEntry("smtp_responses_total{code=\"500\",enhanced=\"5.5.2\"}", 1.0)
                        .containsEntry("smtp_responses_total{code=\"221\",enhanced=\"2.0.0\"}", 2.0)
                        .containsEntry("smtp_responses_total{code=\"354\",enhanced=\"none\"}", 3.0)
                        .containsEntry("smtp_errors_total{kind=\"command\"}", 1.0)
                        .containsEntry("smtp_errors_total{kind=\"queue_write\"}", 0.0)
                        .containsEntry("smtp_policy_results_total{check=\"dmarc\",result=\"fail\"}", 1.0)
                        .containsEntry("smtp_policy_results_total{check=\"dmarc_policy\",result=\"reject\"}", 1.0)
                        .containsEntry("smtp_delivery_attempts_total{result=\"tempfail\"}", 1.0)
                        .containsEntry("smtp_delivery_attempts_total{result=\"success\"}", 1.0)
                        .containsEntry("smtp_delivery_attempts_total{result=\"permfail\"}", 0.0)
                        .containsEntry("smtp_delivery_duration_seconds_count", 2.0)
                        .containsEntry("smtp_messages_sent_total{result=\"deferred\"}", 1.0)
                        .containsEntry("smtp_messages_sent_total{result=\"delivered\"}", 1.0)
                        .containsEntry("smtp_messages_sent_total{result=\"bounced\"}", 0.0)
                        .containsEntry("smtp_rate_limited_total{phase=\"mail\"}", 0.0)
                        .containsEntry("smtp_tls_connections_total{direction=\"inbound\",tls=\"no\"}", 2.0)
                        .containsEntry("smtp_tls_connections_total{direction=\"inbound\",tls=\"yes\"}", 0.0);
                assertThat(after).containsEntry("smtp_queue_size{queue=\"delivery\"}", 0.0)
                        .containsEntry("smtp_queue_oldest_age_seconds{queue=\"delivery.dlq\"}", 0.0);
                // a histogram the guide's histogram_quantile() queries can use
                assertThat(after.keySet()).anyMatch(k -> k.startsWith("smtp_processing_duration_seconds_bucket{le=\"")
                        || k.startsWith("smtp_processing_duration_seconds_bucket{"));
            }
        }
    }

    @Test
    void should_show_what_waits_in_the_delivery_queues_and_why() throws Exception {
        int metricsPort = GatewayProcess.freePort();
        int closedPort; // nothing listens: connection refused, 4.4.1
        do {
            closedPort = GatewayProcess.freePort(); // two calls may give the same port: the gateway would take it
        } while (closedPort == metricsPort);
        try (CaptureSmtpServer hop = CaptureSmtpServer.start()) {
            Map<String, String> env = Map.of(
                    "DATA_DIR", dir.resolve("data").toString(),
                    "METRICS_PORT", String.valueOf(metricsPort),
                    "TRANSPORT_MAP", "down.test=smtp:[127.0.0.1]:" + closedPort + ",relay.test=smtp:[127.0.0.1]:" + hop.port(),
                    "QUEUE_INITIAL_RETRY_DELAY", "10m",
                    "STORAGE_TYPE", "maildir");
            try (GatewayProcess gateway = GatewayProcess.start(dir, env)) {
                byte[] body = "Subject: waits\r\n\r\nbody\r\n.\r\n".getBytes(StandardCharsets.US_ASCII);
                try (SmtpTestClient c = SmtpTestClient.connectEhlo(gateway.port())) {
                    c.sendMail("postmaster@example.com", List.of("someone@down.test"), body);
                    c.sendMail("postmaster@example.com", List.of("perm-someone@relay.test"), body);
                }
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(scrape(metricsPort))
                        .containsEntry("smtp_delivery_attempts_total{result=\"tempfail\"}", 1.0)
                        .containsEntry("smtp_delivery_attempts_total{result=\"permfail\"}", 1.0)
                        .containsEntry("smtp_errors_total{kind=\"delivery\"}", 1.0)
                        .containsEntry("smtp_messages_sent_total{result=\"deferred\"}", 1.0)
                        .containsEntry("smtp_messages_sent_total{result=\"bounced\"}", 1.0)
                        // the retry, scheduled 10 minutes ahead, and the failed original
                        .containsEntry("smtp_queue_size{queue=\"delivery\"}", 1.0)
                        .containsEntry("smtp_queue_size{queue=\"delivery.dlq\"}", 1.0));
                // ages count from when we received the mail, a scheduled retry included
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    Map<String, Double> now = scrape(metricsPort);
                    assertThat(now.get("smtp_queue_oldest_age_seconds{queue=\"delivery\"}")).isGreaterThanOrEqualTo(1.0);
                    assertThat(now.get("smtp_queue_oldest_age_seconds{queue=\"delivery.dlq\"}")).isGreaterThanOrEqualTo(1.0);
                });
                assertThat(scrape(metricsPort)).containsEntry("smtp_queue_oldest_age_seconds{queue=\"store.maildir\"}", 0.0);
            }
        }
    }

    /** Every sample of the Prometheus text format, keyed by name and labels as written. */
    static Map<String, Double> scrape(int port) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        Map<String, Double> samples = new HashMap<>();
        for (String line : r.body().split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertThat(m.matches()).as("a sample line: %s", line).isTrue();
            String labels = m.group(2) == null ? "" : m.group(2).replace(",}", "}");
            samples.put(m.group(1) + labels, Double.parseDouble(m.group(3)));
        }
        return samples;
    }
}
