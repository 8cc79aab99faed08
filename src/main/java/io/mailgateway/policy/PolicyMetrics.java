package io.mailgateway.policy;

import io.mailgateway.metrics.SharedMeters;
import io.mailgateway.policy.dkim.DkimResult;
import io.mailgateway.policy.dmarc.DmarcRecord;
import io.mailgateway.policy.dmarc.DmarcVerdict;
import io.mailgateway.policy.spf.SpfResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Check outcomes: {@code smtp_policy_results_total{check, result}}. For spf, dkim and dmarc the
 * result is that check's RFC 8601 keyword; {@code dmarc_policy} counts what DMARC made us do
 * (none, quarantine, reject); {@code greylist} counts greylisted recipients. All bounded sets,
 * registered at start so each series reads 0 before its first event.
 */
public final class PolicyMetrics {

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public PolicyMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (SpfResult r : SpfResult.values()) {
            counter("spf", r.keyword());
        }
        for (DkimResult.Result r : DkimResult.Result.values()) {
            counter("dkim", r.keyword());
        }
        counter("dkim", "none");
        for (DmarcVerdict.Result r : DmarcVerdict.Result.values()) {
            counter("dmarc", r.keyword());
        }
        for (DmarcRecord.Policy p : DmarcRecord.Policy.values()) {
            counter("dmarc_policy", p.keyword());
        }
        counter("greylist", "greylisted");
    }

    public void result(String check, String result) {
        counter(check, result.toLowerCase(Locale.ROOT)).increment();
    }

    /** What DMARC made us do: none, quarantine or reject. */
    public void disposition(String disposition) {
        result("dmarc_policy", disposition);
    }

    private Counter counter(String check, String result) {
        return counters.computeIfAbsent(check + ' ' + result, k -> SharedMeters.policyResults(registry, check, result));
    }
}
