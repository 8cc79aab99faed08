package io.mailgateway.policy.scan;

import io.mailgateway.metrics.SharedMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Scan outcomes in {@code smtp_policy_results_total{check, result}}: check {@code spam} with
 * clean, quarantine, reject, tempfail (rspamd's soft reject), error, breaker_open; check
 * {@code virus} with clean, infected, skipped (too large), error, breaker_open. All registered
 * at start, so each series reads 0 before its first event.
 */
public final class ScanMetrics {

    static final String CLEAN = "clean";
    static final String QUARANTINE = "quarantine";
    static final String REJECT = "reject";
    static final String TEMPFAIL = "tempfail";
    static final String INFECTED = "infected";
    static final String SKIPPED = "skipped";
    /** The engine was asked and gave no usable answer (down, timeout, error reply). */
    static final String ERROR = "error";
    /** The engine was not asked: its breaker is open. */
    static final String BREAKER_OPEN = "breaker_open";

    static final List<String> SPAM_RESULTS = List.of(CLEAN, QUARANTINE, REJECT, TEMPFAIL, ERROR, BREAKER_OPEN);
    static final List<String> VIRUS_RESULTS = List.of(CLEAN, INFECTED, SKIPPED, ERROR, BREAKER_OPEN);

    private final Map<String, Counter> spam;
    private final Map<String, Counter> virus;

    public ScanMetrics(MeterRegistry registry) {
        spam = counters(registry, "spam", SPAM_RESULTS);
        virus = counters(registry, "virus", VIRUS_RESULTS);
    }

    void spam(String result) {
        spam.get(result).increment();
    }

    void virus(String result) {
        virus.get(result).increment();
    }

    private static Map<String, Counter> counters(MeterRegistry registry, String check, List<String> results) {
        return results.stream().collect(Collectors.toUnmodifiableMap(Function.identity(),
                r -> SharedMeters.policyResults(registry, check, r)));
    }
}
