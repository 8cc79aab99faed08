package io.mailgateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/**
 * smtp_ready was evaluated inside registry.scrape() on the scrape thread, under the Readiness
 * lock, and its 3 s cache was always stale at a 15 s scrape interval: every scrape waited for
 * every backend check in turn (S3 HEAD up to 5 s, the SQL pool up to 5 s + 2 s validation), so
 * with the backends hanging /metrics itself went past Prometheus' 10 s scrape timeout and every
 * series was lost exactly during the incident (GatewayScrapeDown instead of GatewayNotReady).
 * Now the checks run in the background and the gauge reads the last result.
 */
class ReadinessScrapeTest {

    static final class SlowBackend extends ReadinessCheck {
        SlowBackend() {
            super("store-slow");
        }

        @Override
        protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
            try {
                Thread.sleep(4_000); // an S3 HEAD or a database connection that does not answer
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            builder.message("backend did not answer").down();
        }
    }

    @Test
    void should_scrape_without_waiting_for_a_hanging_readiness_check() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.start();
            HealthCheckRegistry health = HealthCheckRegistry.get(camel);
            assertThat(health).as("camel-health registry").isNotNull();
            SlowBackend check = new SlowBackend();
            check.setCamelContext(camel);
            health.register(check);
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            try (Readiness readiness = new Readiness(() -> camel).registerGauge(registry).start()) {
                long start = System.nanoTime();
                String scrape = registry.scrape(); // the slow check is running now
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertThat(scrape).containsPattern("(?m)^smtp_ready 0(\\.0)?$");
                assertThat(millis).as("milliseconds one scrape of /metrics took").isLessThan(1_000);

                // the background evaluation does reach the slow check's verdict
                await().atMost(Duration.ofSeconds(20)).until(() -> readiness.current().json().toJson().contains("store-slow"));
                assertThat(readiness.current().up()).isFalse();
                assertThat(readiness.current().json().toJson()).contains("backend did not answer");
            }
        }
    }

    /** A task that throws is never run again: one evaluation ending in an Error must not freeze readiness. */
    @Test
    void should_go_on_evaluating_after_an_evaluation_ended_in_an_error() {
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        Readiness r = new Readiness(() -> {
            if (calls.incrementAndGet() == 1) {
                throw new NoClassDefFoundError("a health check's optional class");
            }
            return (org.apache.camel.CamelContext) null; // evaluates to "Camel context not started"
        });
        try {
            r.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> calls.get() > 1);
            await().atMost(Duration.ofSeconds(5)).until(() -> r.current().json().toJson().contains("Camel context not started"));
        } finally {
            r.close();
        }
    }

    /** Until the Camel context has started the evaluator looks at every tick, so /ready follows the start at once, not an interval later. */
    @Test
    void should_evaluate_at_the_next_tick_once_the_context_started() throws Exception {
        DefaultCamelContext camel = new DefaultCamelContext();
        Readiness r = new Readiness(() -> camel);
        try {
            r.tick();
            assertThat(r.current().json().toJson()).contains("Camel context not started");
            camel.start();
            r.tick();
            assertThat(r.current().json().toJson()).doesNotContain("Camel context not started");
            camel.stop();
            r.tick();
            assertThat(r.current().json().toJson()).as("an interval has not passed since the last round")
                    .doesNotContain("Camel context not started");
        } finally {
            camel.close();
        }
    }
}
