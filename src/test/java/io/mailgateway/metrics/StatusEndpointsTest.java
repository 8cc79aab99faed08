package io.mailgateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.testing.SmtpTestClient;
import io.mailgateway.testing.TestGateway;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.camel.util.json.JsonArray;
import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The status endpoints of the shared gateway (HTTP_PORT=0), over real HTTP: /stats has every
 * documented field and counts a message sent over SMTP, /health and /ready answer 200 with the
 * checks of docs/observability.md, smtp_ready is 1 on /metrics, the page is served, and the
 * server says 404 and 405 where it should.
 */
@ExtendWith(TestGateway.class)
class StatusEndpointsTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void should_answer_stats_with_every_field() throws Exception {
        HttpResponse<String> r = get("/stats");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        JsonObject stats = json(r);
        assertThat(stats).containsOnlyKeys("uptime_seconds", "messages", "queues", "connections_active", "rates",
                "processing_seconds", "throughput");
        JsonObject throughput = (JsonObject) stats.get("throughput");
        assertThat(throughput).containsOnlyKeys("interval_seconds", "received_per_second");
        assertThat(throughput.get("received_per_second")).isInstanceOf(JsonArray.class);
        assertThat(stats.get("uptime_seconds")).isInstanceOf(BigDecimal.class);
        JsonObject messages = (JsonObject) stats.get("messages");
        assertThat(messages).containsOnlyKeys("received", "bytes_received", "sent");
        assertThat((JsonObject) messages.get("sent")).containsOnlyKeys("delivered", "deferred", "bounced");
        assertThat((JsonObject) stats.get("rates"))
                .containsOnlyKeys("received_per_second_1m", "received_per_second_5m", "received_per_second_15m");
        assertThat((JsonObject) stats.get("processing_seconds")).containsOnlyKeys("p50", "p95", "p99");
        assertThat(stats.get("connections_active")).isInstanceOf(BigDecimal.class);
        JsonArray queues = (JsonArray) stats.get("queues");
        assertThat(queues).allSatisfy(q -> assertThat((JsonObject) q).containsOnlyKeys("queue", "depth", "oldest_age_seconds"));
        // Every queue label value is registered at start (docs/observability.md), so these are listed before any traffic.
        assertThat(queues.stream().map(q -> ((JsonObject) q).getString("queue")))
                .contains("delivery", "delivery.dlq", "store.maildir", "store.sql.dlq");
    }

    @Test
    void should_count_a_message_received_over_smtp() throws Exception {
        long before = received(json(get("/stats")));
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
            c.sendMail("sender@example.org", List.of(TestGateway.uniqueUser("stats") + "@example.com"),
                    "Subject: stats\r\n\r\ncounted\r\n.\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        // The counter moves before the 250 is written, so it is up by the time we read it; other
        // tests may send meanwhile, hence "at least".
        JsonObject stats = json(get("/stats"));
        assertThat(received(stats)).isGreaterThanOrEqualTo(before + 1);
        assertThat(((JsonObject) stats.get("messages")).getLong("bytes_received")).isPositive();
        JsonObject processing = (JsonObject) stats.get("processing_seconds");
        assertThat(processing.get("p50")).as("p50 once a message went through").isNotNull();
        assertThat(((BigDecimal) processing.get("p50")).doubleValue())
                .isLessThanOrEqualTo(((BigDecimal) processing.get("p99")).doubleValue());
    }

    @Test
    void should_be_live_and_ready_with_every_check_up() throws Exception {
        HttpResponse<String> health = get("/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(json(health).getString("status")).isEqualTo("UP");

        // Bounded wait, not one look: a test before this one may have taken a backend away for
        // a moment (S3StoreOutageTest), and one evaluation answers for 3 s.
        await("ready").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> get("/ready").statusCode() == 200);
        HttpResponse<String> ready = get("/ready");
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        JsonObject body = json(ready);
        assertThat(body.getString("status")).isEqualTo("UP");
        List<String> ids = ((JsonArray) body.get("checks")).stream().map(c -> ((JsonObject) c).getString("id")).toList();
        assertThat(ids).as(ready.body()).contains("context", "broker", "smtp-listener", "store-maildir", "store-sql", "store-s3",
                "store-archive", "route:smtp-inbound", "consumer:smtp-inbound");
        assertThat(((JsonArray) body.get("checks")).stream().map(c -> ((JsonObject) c).getString("status"))).containsOnly("UP");
    }

    @Test
    void should_publish_smtp_ready_on_metrics() throws Exception {
        HttpRequest scrape = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + TestGateway.gateway().metricsPort() + "/metrics")).build();
        // Same evaluation as /ready, so the same bounded wait (see above).
        await("smtp_ready 1").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> HTTP.send(scrape, HttpResponse.BodyHandlers.ofString()).body(),
                        body -> body.matches("(?s).*\\nsmtp_ready 1(\\.0)?\\n.*"));
    }

    @Test
    void should_serve_the_status_page_with_stable_ids() throws Exception {
        HttpResponse<String> r = get("/");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(r.body()).contains("id=\"received\"", "id=\"chart\"", "id=\"queues\"").doesNotContain("://cdn");
    }

    @Test
    void should_refuse_other_methods_and_paths() throws Exception {
        HttpResponse<String> post = HTTP.send(request("/stats").POST(HttpRequest.BodyPublishers.ofString("x")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
        assertThat(get("/nothing-here").statusCode()).isEqualTo(404);
        assertThat(get("/stats/").statusCode()).isEqualTo(404);
        HttpResponse<String> head = HTTP.send(request("/ready").method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
    }

    private static long received(JsonObject stats) {
        return ((JsonObject) stats.get("messages")).getLong("received");
    }

    private static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + TestGateway.gateway().httpPort() + path))
                .timeout(Duration.ofSeconds(30));
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(request(path).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonObject json(HttpResponse<String> r) throws Exception {
        return (JsonObject) Jsoner.deserialize(r.body());
    }
}
