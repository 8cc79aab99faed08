package io.mailgateway.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import org.apache.camel.util.json.JsonArray;
import org.apache.camel.util.json.JsonObject;

/**
 * The figures of GET /stats, read from the meter registry by their documented names
 * (docs/observability.md, section /stats): nothing here counts anything itself, so /stats and
 * /metrics never disagree. Lifecycle: created with the status server, {@link #sample()} every
 * {@link ThroughputSampler#INTERVAL} for the rates.
 */
final class Stats {

    static final String RECEIVED = "smtp_messages_received_total";
    static final String BYTES_RECEIVED = "smtp_bytes_received_total";
    static final String SENT = "smtp_messages_sent_total";
    static final String QUEUE_SIZE = "smtp_queue_size";
    static final String QUEUE_OLDEST_AGE = "smtp_queue_oldest_age_seconds";
    static final String CONNECTIONS_ACTIVE = "smtp_connections_active";
    static final String PROCESSING = "smtp_processing_duration_seconds";

    private final RegistryReads reads;
    private final LongSupplier uptimeMillis;
    private final ThroughputSampler received;

    Stats(MeterRegistry registry, LongSupplier uptimeMillis) {
        this.reads = new RegistryReads(registry);
        this.uptimeMillis = uptimeMillis;
        this.received = new ThroughputSampler(() -> reads.sum(RECEIVED), System::nanoTime);
    }

    void sample() {
        received.sample();
    }

    JsonObject toJson() {
        JsonObject stats = new JsonObject();
        stats.put("uptime_seconds", uptimeMillis.getAsLong() / 1000);
        stats.put("messages", messages());
        stats.put("queues", queues());
        stats.put("connections_active", whole(reads.sum(CONNECTIONS_ACTIVE)));
        JsonObject rates = new JsonObject();
        rates.put("received_per_second_1m", rounded(received.perSecond(Duration.ofMinutes(1))));
        rates.put("received_per_second_5m", rounded(received.perSecond(Duration.ofMinutes(5))));
        rates.put("received_per_second_15m", rounded(received.perSecond(Duration.ofMinutes(15))));
        stats.put("rates", rates);
        JsonObject throughput = new JsonObject();
        throughput.put("interval_seconds", ThroughputSampler.INTERVAL.toSeconds());
        JsonArray history = new JsonArray();
        received.history().forEach(r -> history.add(rounded(r)));
        throughput.put("received_per_second", history);
        stats.put("throughput", throughput);
        HistogramQuantiles processing = new HistogramQuantiles(reads.meters(PROCESSING));
        JsonObject quantiles = new JsonObject();
        for (int percent : new int[] {50, 95, 99}) {
            Double seconds = processing.quantile(percent / 100.0);
            quantiles.put("p" + percent, seconds == null ? null : rounded(seconds));
        }
        stats.put("processing_seconds", quantiles);
        return stats;
    }

    private JsonObject messages() {
        JsonObject sent = new JsonObject();
        for (String result : new String[] {"delivered", "deferred", "bounced"}) {
            sent.put(result, whole(reads.value(SENT, "result", result)));
        }
        JsonObject messages = new JsonObject();
        messages.put("received", whole(reads.sum(RECEIVED)));
        messages.put("bytes_received", whole(reads.sum(BYTES_RECEIVED)));
        messages.put("sent", sent);
        return messages;
    }

    /** One entry per value of the {@code queue} tag of either gauge, by queue name. */
    private JsonArray queues() {
        Map<String, Double> depths = reads.byTag(QUEUE_SIZE, "queue");
        Map<String, Double> ages = reads.byTag(QUEUE_OLDEST_AGE, "queue");
        Set<String> names = new TreeSet<>(depths.keySet());
        names.addAll(ages.keySet());
        JsonArray queues = new JsonArray();
        for (String name : names) {
            JsonObject q = new JsonObject();
            q.put("queue", name);
            q.put("depth", whole(depths.getOrDefault(name, 0.0)));
            q.put("oldest_age_seconds", rounded(ages.getOrDefault(name, 0.0)));
            queues.add(q);
        }
        return queues;
    }

    /** Counts and gauges of things are whole numbers: 12, not 12.0. */
    private static long whole(double v) {
        return Math.round(v);
    }

    /** Three decimals: enough for a rate or a duration, and plain notation (no 1.0E-4) for the page. */
    private static BigDecimal rounded(double v) {
        BigDecimal d = BigDecimal.valueOf(v).setScale(3, RoundingMode.HALF_UP).stripTrailingZeros();
        return d.scale() < 0 ? d.setScale(0) : d;
    }
}
