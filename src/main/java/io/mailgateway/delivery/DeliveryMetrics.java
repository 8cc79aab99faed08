package io.mailgateway.delivery;

import io.mailgateway.metrics.SharedMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.TimeUnit;

/**
 * Delivery's meters (docs/observability.md): one attempt is one SMTP transaction with a next
 * hop, {@code smtp_delivery_attempts_total{result}} and {@code smtp_delivery_duration_seconds};
 * each relayed recipient's outcome of an attempt, {@code smtp_messages_sent_total{result}};
 * a next hop that could not be reached or talked to (replies 4.4.x: no connection, lost
 * connection, timeout, DNS), {@code smtp_errors_total{kind="delivery"}}.
 */
public final class DeliveryMetrics {

    private final Counter success;
    private final Counter tempfail;
    private final Counter permfail;
    private final Timer duration;
    private final Counter delivered;
    private final Counter deferred;
    private final Counter bounced;
    private final Counter unreachable;

    public DeliveryMetrics(MeterRegistry registry) {
        success = attempts(registry, "success");
        tempfail = attempts(registry, "tempfail");
        permfail = attempts(registry, "permfail");
        duration = Timer.builder("smtp.delivery.duration").description("One delivery attempt, connect to the last reply")
                .serviceLevelObjectives(Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(100),
                        Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
                        Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60),
                        Duration.ofMinutes(5))
                .register(registry);
        delivered = sent(registry, "delivered");
        deferred = sent(registry, "deferred");
        bounced = sent(registry, "bounced");
        unreachable = SharedMeters.errors(registry, SharedMeters.ErrorKind.DELIVERY);
    }

    /**
     * One transaction ended with these per-recipient replies: success when every recipient got a
     * 2xx, permfail when any got a 5xx, tempfail otherwise.
     */
    void attempted(Collection<RemoteReply> replies, long nanos) {
        duration.record(nanos, TimeUnit.NANOSECONDS);
        boolean permanent = replies.stream().anyMatch(RemoteReply::isPermanent);
        boolean allPositive = replies.stream().allMatch(RemoteReply::isPositive);
        (permanent ? permfail : allPositive ? success : tempfail).increment();
        if (replies.stream().anyMatch(DeliveryMetrics::networkFailure)) {
            unreachable.increment();
        }
    }

    /** A next hop we could not route to (DNS): no transaction, counted as a tempfail attempt. */
    void unroutable(RemoteReply reply) {
        (reply.isPermanent() ? permfail : tempfail).increment();
        if (networkFailure(reply)) {
            unreachable.increment();
        }
    }

    void delivered() {
        delivered.increment();
    }

    void deferred(int recipients) {
        deferred.increment(recipients);
    }

    void bounced(int recipients) {
        bounced.increment(recipients);
    }

    /** RFC 3463 4.4.x: network and routing (no answer, bad connection, timeout, routing failure). */
    private static boolean networkFailure(RemoteReply reply) {
        return reply.text() != null && reply.text().startsWith("4.4.");
    }

    private static Counter attempts(MeterRegistry registry, String result) {
        return Counter.builder("smtp.delivery.attempts").description("SMTP transactions with a next hop, by outcome")
                .tag("result", result).register(registry);
    }

    private static Counter sent(MeterRegistry registry, String result) {
        return Counter.builder("smtp.messages.sent").description("Relayed recipients by outcome of an attempt")
                .tag("result", result).register(registry);
    }
}
