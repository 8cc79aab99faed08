package io.mailgateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.util.json.JsonArray;
import org.apache.camel.util.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * The figures of /stats on a real PrometheusMeterRegistry, with values chosen so the expected
 * answers can be worked out by hand: quantiles as Prometheus' histogram_quantile gives them,
 * rates over a window from the sampler's ring (its clock is a counter we move, not the wall).
 */
class StatsFiguresTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    private Timer processing(String result) {
        return Timer.builder("smtp.processing.duration").tag("result", result)
                .serviceLevelObjectives(Duration.ofMillis(10), Duration.ofMillis(100), Duration.ofSeconds(1))
                .register(registry);
    }

    @Test
    void should_interpolate_quantiles_inside_buckets_summed_over_tags() {
        Timer accepted = processing("accepted");
        Timer refused = processing("refused");
        for (int i = 0; i < 10; i++) {
            accepted.record(Duration.ofMillis(5));   // bucket le=0.01
            refused.record(Duration.ofMillis(50));   // bucket le=0.1
        }
        HistogramQuantiles q = new HistogramQuantiles(new RegistryReads(registry).meters(Stats.PROCESSING));
        // 20 observations: rank 10 ends bucket le=0.01 (10 there); rank 19 is 9/10 into (0.01, 0.1].
        assertThat(q.quantile(0.5)).isCloseTo(0.01, within(1e-9));
        assertThat(q.quantile(0.95)).isCloseTo(0.01 + 0.09 * 9 / 10, within(1e-9));
        refused.record(Duration.ofSeconds(5));       // above every bound: the +Inf bucket
        assertThat(new HistogramQuantiles(new RegistryReads(registry).meters(Stats.PROCESSING)).quantile(0.99))
                .as("in +Inf: the highest finite bound, as histogram_quantile").isEqualTo(1.0);
    }

    @Test
    void should_give_null_quantiles_and_zero_counts_before_any_data() {
        JsonObject stats = new Stats(registry, () -> 42_000).toJson();
        assertThat(stats.get("uptime_seconds")).isEqualTo(42L);
        assertThat(((JsonObject) stats.get("messages")).get("received")).isEqualTo(0L);
        assertThat(((JsonObject) ((JsonObject) stats.get("messages")).get("sent")).get("bounced")).isEqualTo(0L);
        JsonObject quantiles = (JsonObject) stats.get("processing_seconds");
        assertThat(quantiles).containsKeys("p50", "p95", "p99");
        assertThat(quantiles.values()).containsOnlyNulls();
        assertThat((JsonArray) stats.get("queues")).isEmpty();
    }

    @Test
    void should_list_queues_by_their_tag_and_read_counters_by_their_documented_names() {
        Gauge.builder("smtp.queue.size", () -> 3).tag("queue", "delivery").register(registry);
        Gauge.builder("smtp.queue.oldest.age", () -> 12.5).baseUnit("seconds").tag("queue", "delivery").register(registry);
        Gauge.builder("smtp.queue.size", () -> 0).tag("queue", "store.sql").register(registry);
        Counter.builder("smtp.messages.sent").tag("result", "deferred").register(registry).increment(2);
        Counter.builder("smtp.messages.received").register(registry).increment(7);
        JsonObject stats = new Stats(registry, () -> 0).toJson();
        JsonArray queues = (JsonArray) stats.get("queues");
        assertThat(queues).hasSize(2);
        JsonObject delivery = (JsonObject) queues.get(0);
        assertThat(delivery.getString("queue")).isEqualTo("delivery");
        assertThat(delivery.get("depth")).isEqualTo(3L);
        assertThat(delivery.get("oldest_age_seconds").toString()).isEqualTo("12.5");
        assertThat(((JsonObject) queues.get(1)).getString("queue")).isEqualTo("store.sql");
        assertThat(((JsonObject) ((JsonObject) stats.get("messages")).get("sent")).get("deferred")).isEqualTo(2L);
        assertThat(((JsonObject) stats.get("messages")).get("received")).isEqualTo(7L);
    }

    @Test
    void should_rate_over_the_oldest_sample_inside_each_window() {
        AtomicLong nanos = new AtomicLong();
        AtomicLong count = new AtomicLong();
        ThroughputSampler sampler = new ThroughputSampler(count::get, nanos::get);   // sample at t=0, count 0
        for (int second = 5; second <= 600; second += 5) {
            nanos.set(Duration.ofSeconds(second).toNanos());
            count.addAndGet(second <= 300 ? 5 : 50);    // 1/s for 5 minutes, then 10/s
            sampler.sample();
        }
        assertThat(sampler.history()).as("one rate per 5 s step, oldest first")
                .hasSize(120).startsWith(1.0).endsWith(10.0);
        // Now t=600 s. Last minute: 10/s. Last 5 minutes: (300 s at 10/s) / 300 s.
        assertThat(sampler.perSecond(Duration.ofMinutes(1))).isCloseTo(10, within(1e-9));
        assertThat(sampler.perSecond(Duration.ofMinutes(5))).isCloseTo(10, within(1e-9));
        // 15 minutes reach back past start: the rate since start, (300 + 3000) / 600 s.
        assertThat(sampler.perSecond(Duration.ofMinutes(15))).isCloseTo(5.5, within(1e-9));
        nanos.addAndGet(Duration.ofSeconds(30).toNanos());
        count.addAndGet(30);
        // 30 s on, no new sample: from the sample at t=570 s to now, six steps of 50 plus these 30.
        assertThat(sampler.perSecond(Duration.ofMinutes(1))).isCloseTo((50.0 * 6 + 30) / 60, within(1e-9));
    }
}
