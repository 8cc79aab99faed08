package io.mailgateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;

/**
 * The status server before Camel exists, as it is between the gateway's start and the
 * context's: alive is not claimed (/health 503), not ready (/ready 503, smtp_ready 0), and
 * /stats still answers with zeros, so a page opened during startup shows figures, not errors.
 */
class StatusServerTest {

    @Test
    void should_say_down_and_not_ready_until_the_context_runs() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Supplier<CamelContext> noContextYet = () -> null;
        Readiness readiness = new Readiness(noContextYet).registerGauge(registry);
        try (StatusServer server = StatusServer.start("127.0.0.1", 0, registry, readiness, noContextYet)) {
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + server.port();
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.body()).isEqualTo("{\"status\":\"DOWN\"}");
            HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(base + "/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("\"status\":\"DOWN\"", "\"id\":\"context\"");
            assertThat(registry.scrape()).containsPattern("(?m)^smtp_ready 0(\\.0)?$");
            HttpResponse<String> stats = http.send(HttpRequest.newBuilder(URI.create(base + "/stats")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(stats.statusCode()).isEqualTo(200);
            assertThat(stats.body()).contains("\"uptime_seconds\":0", "\"received\":0");
        }
    }
}
