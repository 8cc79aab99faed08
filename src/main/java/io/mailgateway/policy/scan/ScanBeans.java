package io.mailgateway.policy.scan;

import io.mailgateway.config.Capability;
import io.mailgateway.config.ConfigException;
import io.mailgateway.config.GatewayConfig;
import io.mailgateway.config.Wiring;
import io.mailgateway.policy.camel.CheckStep;
import io.mailgateway.policy.limits.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;

/**
 * Content scanning: binds the route steps {@code spamCheck} (rspamd) and {@code virusCheck}
 * (clamd) of routes/inbound.camel.yaml. Both are always bound, so the route never names a
 * missing bean; each does nothing while SPAM_CHECK_ENABLED / VIRUS_SCAN_ENABLED is false (no
 * connection is made). Each engine has its own circuit breaker (SCAN_BREAKER_*).
 */
public final class ScanBeans implements Capability {

    @Override
    public void bind(Wiring wiring) {
        GatewayConfig config = wiring.config();
        double threshold = config.getDouble("SPAM_THRESHOLD");
        double rejectThreshold = config.getDouble("SPAM_REJECT_THRESHOLD");
        if (rejectThreshold <= threshold) {
            throw new ConfigException("SPAM_REJECT_THRESHOLD", String.format(Locale.ROOT,
                    "must be above SPAM_THRESHOLD (%s), or nothing would be quarantined; got %s",
                    config.get("SPAM_THRESHOLD"), config.get("SPAM_REJECT_THRESHOLD")));
        }
        for (String key : new String[] {"SPAM_TIMEOUT", "VIRUS_TIMEOUT"}) {
            if (config.duration(key).isZero()) {
                throw new ConfigException(key, "must be more than 0, got " + config.get(key));
            }
        }
        ScanMetrics metrics = new ScanMetrics(wiring.lookup("metricsRegistry", MeterRegistry.class));
        SpamCheck spam = new SpamCheck(config.getBoolean("SPAM_CHECK_ENABLED"),
                new RspamdClient(config.get("RSPAMD_URL"), config.duration("SPAM_TIMEOUT")), threshold, rejectThreshold,
                FailAction.parse(config.get("SPAM_FAIL_ACTION")), breaker(config), metrics);
        wiring.bind("spamCheck", new SpamColumns("spamCheck", spam));
        ClamdClient clamd = wiring.closeOnStop(new ClamdClient(config.get("CLAMD_ADDRESS"), config.duration("VIRUS_TIMEOUT")));
        wiring.bind("virusCheck", new CheckStep("virusCheck", new VirusCheck(config.getBoolean("VIRUS_SCAN_ENABLED"), clamd,
                config.getLong("VIRUS_MAX_SIZE"), FailAction.parse(config.get("VIRUS_FAIL_ACTION")), breaker(config), metrics,
                config.hostname())));
    }

    private static CircuitBreaker breaker(GatewayConfig config) {
        return new CircuitBreaker(config.getInt("SCAN_BREAKER_FAILURES"), config.duration("SCAN_BREAKER_COOLDOWN"), Ticker.SYSTEM);
    }
}
