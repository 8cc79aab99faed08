package io.mailgateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;

/**
 * The meters that more than one capability moves, defined once: name, description and label
 * keys stay the same wherever they are counted (Micrometer keeps the first registration's
 * description, and Prometheus drops a name registered with other label keys). Each capability
 * keeps its own meters beside its code (docs/observability.md lists them all).
 */
public final class SharedMeters {

    private SharedMeters() {
    }

    /** What went wrong, for {@code smtp_errors_total{kind}} (docs/observability.md). */
    public enum ErrorKind {
        /** a command answered 500-504: unknown, syntax, not implemented, bad sequence */
        COMMAND,
        /** idle or session timeout */
        TIMEOUT,
        /** the session was closed after too many errors */
        TOO_MANY_ERRORS,
        /** the durable broker write failed: 451 4.3.0, the client retries */
        QUEUE_WRITE,
        /** an unexpected exception in a session */
        SESSION,
        /** a store could not store a message (retried, or dead-lettered) */
        STORE,
        /** a delivery attempt could not reach or finish with its next hop */
        DELIVERY,
        /** a TLS handshake with a client failed */
        TLS;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** {@code smtp_errors_total{kind}}. */
    public static Counter errors(MeterRegistry registry, ErrorKind kind) {
        return Counter.builder("smtp.errors").description("Errors by kind").tag("kind", kind.label()).register(registry);
    }

    /** {@code smtp_connections_rejected_total{reason}}: the limits' reasons and the session's own. */
    public static Counter connectionsRejected(MeterRegistry registry, String reason) {
        return Counter.builder("smtp.connections.rejected").description("Connections refused before the greeting")
                .tag("reason", reason).register(registry);
    }

    /** {@code smtp_policy_results_total{check,result}}. */
    public static Counter policyResults(MeterRegistry registry, String check, String result) {
        return Counter.builder("smtp.policy.results").description("Policy check outcomes by check and result")
                .tag("check", check).tag("result", result).register(registry);
    }

    /**
     * {@code smtp_tls_connections_total{direction,tls}}: ours (inbound, counted when a greeted
     * session ends) and delivery's (outbound, counted when a connection is set up).
     */
    public static Counter tlsConnections(MeterRegistry registry, String direction, boolean tls) {
        return Counter.builder("smtp.tls.connections").description("SMTP connections by direction and whether TLS protected them")
                .tag("direction", direction).tag("tls", tls ? "yes" : "no").register(registry);
    }
}
