package io.mailgateway.auth;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;

/**
 * The AUTH counters, every series registered at start (a dashboard sees 0, not a missing series):
 * {@code smtp_auth_attempts_total{mechanism="plain|login",result="success|failure|blocked|tempfail"}}
 * and {@code smtp_auth_blocks_total{scope="client|account"}}. Bounded labels.
 */
final class AuthMetrics {

    enum Result { SUCCESS, FAILURE, BLOCKED, TEMPFAIL }

    private final Map<Sasl.Mechanism, Map<Result, Counter>> attempts = new EnumMap<>(Sasl.Mechanism.class);
    private final Counter clientBlocks;
    private final Counter accountBlocks;

    AuthMetrics(MeterRegistry registry) {
        for (Sasl.Mechanism m : Sasl.Mechanism.values()) {
            Map<Result, Counter> byResult = new EnumMap<>(Result.class);
            for (Result r : Result.values()) {
                byResult.put(r, Counter.builder("smtp.auth.attempts")
                        .description("AUTH exchanges that reached a decision, by mechanism and result")
                        .tag("mechanism", m.label()).tag("result", r.name().toLowerCase(java.util.Locale.ROOT))
                        .register(registry));
            }
            attempts.put(m, byResult);
        }
        clientBlocks = block(registry, "client");
        accountBlocks = block(registry, "account");
    }

    private static Counter block(MeterRegistry registry, String scope) {
        return Counter.builder("smtp.auth.blocks")
                .description("Temporary AUTH blocks started after AUTH_MAX_FAILURES failures, per client or per account")
                .tag("scope", scope).register(registry);
    }

    void attempt(Sasl.Mechanism mechanism, Result result) {
        attempts.get(mechanism).get(result).increment();
    }

    void block(String scope) {
        ("client".equals(scope) ? clientBlocks : accountBlocks).increment();
    }
}
