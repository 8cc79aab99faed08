package io.mailgateway.smtp;

import io.mailgateway.metrics.SharedMeters;
import io.mailgateway.metrics.SharedMeters.ErrorKind;
import io.mailgateway.reply.EnhancedStatus;
import io.mailgateway.reply.SmtpReply;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The SMTP listener's meters (docs/observability.md), shared by every listener of the process
 * (bean "smtpMetrics"). Label values are bounded: reply codes come from the reply constants,
 * error kinds from {@link SharedMeters.ErrorKind}, results from the enum below; no address,
 * domain or IP is ever a label.
 * Every label value known at start is registered then, so a series reads 0 instead of being
 * absent until the first event (a dashboard's rate() needs the zero).
 */
public final class SmtpMetrics {

    /** How a message's end of data ended, for {@code smtp_processing_duration_seconds{result}}. */
    public enum Result { ACCEPTED, REFUSED, FAILED }

    /** Reply classes whose constants are registered at start. */
    private static final List<String> REPLY_CLASSES = List.of("io.mailgateway.smtp.SmtpReplies",
            "io.mailgateway.policy.limits.LimitReplies", "io.mailgateway.policy.dmarc.DmarcReplies");

    /**
     * Fixed buckets (Prometheus {@code le}) from a fast local write to a DNS timeout: enough for
     * histogram_quantile() and a heatmap, 14 series per result instead of Micrometer's ~70.
     */
    public static final Duration[] BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
        Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
        Duration.ofSeconds(30)};

    private final MeterRegistry registry;
    private final Counter connections;
    private final Counter shutdownRefusals;
    private final Counter noProxyHeader;
    private final Counter untrustedProxy;
    private final Counter sessionsWithTls;
    private final Counter sessionsInClear;
    private final AtomicInteger active = new AtomicInteger();
    private final Counter received;
    private final Counter bytes;
    private final Counter pipelineThrottled;
    private final Map<Result, Timer> processing = new EnumMap<>(Result.class);
    private final Map<ErrorKind, Counter> errors = new EnumMap<>(ErrorKind.class);
    /** By {@link #responseKey}: a number, not a String, since every reply looks its counter up. */
    private final Map<Long, Counter> responses = new ConcurrentHashMap<>();

    public SmtpMetrics(MeterRegistry registry) {
        this.registry = registry;
        connections = Counter.builder("smtp.connections").description("SMTP connections opened, admitted or not")
                .register(registry);
        Gauge.builder("smtp.connections.active", active, AtomicInteger::get).description("SMTP sessions open now")
                .strongReference(true).register(registry);
        shutdownRefusals = SharedMeters.connectionsRejected(registry, "shutdown");
        noProxyHeader = SharedMeters.connectionsRejected(registry, "no_proxy_header");
        untrustedProxy = SharedMeters.connectionsRejected(registry, "untrusted_proxy");
        sessionsWithTls = SharedMeters.tlsConnections(registry, "inbound", true);
        sessionsInClear = SharedMeters.tlsConnections(registry, "inbound", false);
        received = Counter.builder("smtp.messages.received").description("Messages accepted (250 queued as)")
                .register(registry);
        bytes = Counter.builder("smtp.bytes.received").description("Octets of accepted messages")
                .register(registry);
        pipelineThrottled = Counter.builder("smtp.pipeline.throttled")
                .description("Pipelined bursts that reached PIPELINE_MAX_COMMANDS: input paused until their replies were written")
                .register(registry);
        for (Result r : Result.values()) {
            processing.put(r, Timer.builder("smtp.processing.duration")
                    .description("End of data to the reply: checks, decision and the durable broker write")
                    .tag("result", r.name().toLowerCase(java.util.Locale.ROOT))
                    .serviceLevelObjectives(BUCKETS)
                    .register(registry));
        }
        for (ErrorKind kind : ErrorKind.values()) {
            errors.put(kind, SharedMeters.errors(registry, kind));
        }
        responseCounter(new SmtpReply(220, null, List.of("greeting"), false));
        for (String type : REPLY_CLASSES) {
            for (SmtpReply reply : constants(type)) {
                responseCounter(reply);
            }
        }
    }

    /** Meters nobody reads: for a listener started without a registry (tests, tools). */
    public static SmtpMetrics unregistered() {
        return new SmtpMetrics(new SimpleMeterRegistry());
    }

    void connectionOpened() {
        connections.increment();
        active.incrementAndGet();
    }

    void connectionClosed() {
        active.decrementAndGet();
    }

    void refusedShuttingDown() {
        shutdownRefusals.increment();
    }

    void sessionEnded(boolean tls) {
        (tls ? sessionsWithTls : sessionsInClear).increment();
    }

    void refusedWithoutProxyHeader() {
        noProxyHeader.increment();
    }

    /** Refused as it was accepted, before any session (behind a proxy): opened, never active. */
    void refusedAtAccept(boolean untrusted) {
        connections.increment();
        if (untrusted) {
            untrustedProxy.increment();
        }
    }

    void pipelineThrottled() {
        pipelineThrottled.increment();
    }

    void error(ErrorKind kind) {
        errors.get(kind).increment();
    }

    /** Counts one reply sent to a client. */
    void responded(SmtpReply reply) {
        responseCounter(reply).increment();
    }

    private Counter responseCounter(SmtpReply reply) {
        Counter counter = responses.get(responseKey(reply));
        if (counter != null) {
            return counter;
        }
        String code = Integer.toString(reply.code());
        String enhanced = reply.status() == null ? "none" : reply.status().toString();
        return responses.computeIfAbsent(responseKey(reply), k -> Counter.builder("smtp.responses")
                .description("Replies sent, by reply code and enhanced status code")
                .tag("code", code).tag("enhanced", enhanced).register(registry));
    }

    /** Code and enhanced status as one number (RFC 3463: subject and detail have at most 3 digits). */
    private static long responseKey(SmtpReply reply) {
        EnhancedStatus s = reply.status();
        return reply.code() * 1_000_000_000L
                + (s == null ? 999_999_999L : s.statusClass() * 1_000_000L + s.subject() * 1_000L + s.detail());
    }

    /** A message's end of data got its reply after {@code nanos}; {@code size} counts when accepted. */
    public void processed(Result result, long nanos, long size) {
        processing.get(result).record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        if (result == Result.ACCEPTED) {
            received.increment();
            bytes.increment(size);
        }
    }

    public int activeConnections() {
        return active.get();
    }

    private static List<SmtpReply> constants(String className) {
        try {
            Class<?> type = Class.forName(className);
            List<SmtpReply> replies = new java.util.ArrayList<>();
            for (Field f : type.getFields()) {
                if (Modifier.isStatic(f.getModifiers()) && f.getType() == SmtpReply.class) {
                    replies.add((SmtpReply) f.get(null));
                }
            }
            return replies;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("reply constants of " + className, e);
        }
    }
}
