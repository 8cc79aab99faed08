package io.mailgateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;

/**
 * Counts of mail-authentication results: {@code mailgateway_auth_results_total{check, result}}
 * with check in spf, dkim, dmarc and result one of that check's RFC 8601 keywords (a bounded
 * set), plus {@code mailgateway_dmarc_dispositions_total{disposition}} for what DMARC made us do.
 */
public final class AuthMetrics {

    private final MeterRegistry registry;

    public AuthMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void result(String check, String result) {
        Counter.builder("mailgateway.auth.results")
                .description("Mail authentication results by check and result")
                .tag("check", check)
                .tag("result", result.toLowerCase(Locale.ROOT))
                .register(registry)
                .increment();
    }

    public void disposition(String disposition) {
        Counter.builder("mailgateway.dmarc.dispositions")
                .description("DMARC dispositions applied (none, quarantine, reject)")
                .tag("disposition", disposition)
                .register(registry)
                .increment();
    }
}
