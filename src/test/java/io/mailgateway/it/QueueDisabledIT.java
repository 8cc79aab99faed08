package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.testing.SmtpTestClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * QUEUE_ENABLED=false, a store-only gateway process: a RELAY_DOMAINS recipient gets 550 5.7.1 at
 * RCPT while a local one in the same transaction is stored in its Maildir, and so does any remote
 * recipient of an authenticated submission (STARTTLS, AUTH PLAIN); the delivery route
 * is not started (no consumer on the broker queue "delivery", while the store's queue has its
 * own) and the gateway is still ready.
 */
class QueueDisabledIT {

    @TempDir
    Path dir;

    @Test
    void should_refuse_relayed_recipients_store_local_mail_and_leave_the_delivery_queue_without_consumer() throws Exception {
        int metricsPort = GatewayProcess.freePort();
        int httpPort = GatewayProcess.freePort();
        int submission = GatewayProcess.freePort();
        Map<String, String> env = Map.of(
                "DATA_DIR", dir.resolve("data").toString(),
                "SUBMISSION_PORT", String.valueOf(submission),
                "METRICS_PORT", String.valueOf(metricsPort),
                "HTTP_PORT", String.valueOf(httpPort),
                "STORAGE_TYPE", "maildir",
                "RELAY_DOMAINS", "relay.test",
                "QUEUE_ENABLED", "false");
        GatewayProcess.CommandResult added = GatewayProcess.commandWithInput(dir, env, "s3cret-passw0rd\n",
                "user", "add", "carol@example.com", "--password-stdin");
        assertThat(added.status()).as("user add: %s %s", added.out(), added.err()).isZero();
        try (GatewayProcess gateway = GatewayProcess.start(dir, env)) {
            try (SmtpTestClient c = SmtpTestClient.connectEhlo(gateway.port())) {
                c.send("MAIL FROM:<sender@example.org>").expect(250, "2.1.0");
                c.send("RCPT TO:<far@relay.test>").expect(550, "5.7.1");
                c.send("RCPT TO:<near@example.com>").expect(250, "2.1.5");
                c.send("DATA").expect(354);
                c.sendRaw("Subject: store only\r\n\r\nhi\r\n.\r\n".getBytes(StandardCharsets.US_ASCII));
                c.expect(250, "2.0.0");
            }
            try (SmtpTestClient c = SmtpTestClient.connectEhlo(submission)) {
                c.send("STARTTLS").expect(220, "2.0.0");
                c.startTls();
                c.send("EHLO client.test").expect(250);
                String plain = java.util.Base64.getEncoder().encodeToString(
                        "\0carol@example.com\0s3cret-passw0rd".getBytes(StandardCharsets.UTF_8));
                c.send("AUTH PLAIN " + plain).expect(235, "2.7.0");
                c.send("MAIL FROM:<carol@example.com>").expect(250, "2.1.0");
                c.send("RCPT TO:<someone@remote.test>").expect(550, "5.7.1");
            }
            Path inbox = dir.resolve("data/maildir/example.com/near/new");
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.isDirectory(inbox) && count(inbox) == 1);

            Map<String, Double> metrics = MetricsIT.scrape(metricsPort);
            assertThat(consumers(metrics, "delivery")).as("consumers of queue delivery").isEqualTo(0.0);
            assertThat(consumers(metrics, "store.maildir")).as("consumers of queue store.maildir").isGreaterThan(0.0);
            HttpResponse<String> ready = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/ready")).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).as("/ready: %s", ready.body()).isEqualTo(200);
        }
    }

    /** artemis_consumer_count of one queue (its labels: broker, address, queue). */
    private static double consumers(Map<String, Double> metrics, String queue) {
        return metrics.entrySet().stream()
                .filter(e -> e.getKey().startsWith("artemis_consumer_count{") && e.getKey().contains("queue=\"" + queue + "\""))
                .mapToDouble(Map.Entry::getValue).findFirst()
                .orElseThrow(() -> new AssertionError("no artemis_consumer_count for queue " + queue));
    }

    private static long count(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        }
    }
}
