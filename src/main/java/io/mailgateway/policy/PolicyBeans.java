package io.mailgateway.policy;

import io.mailgateway.config.Capability;
import io.mailgateway.config.GatewayConfig;
import io.mailgateway.config.Wiring;
import io.mailgateway.policy.camel.AuthenticationResults;
import io.mailgateway.policy.camel.CheckStep;
import io.mailgateway.policy.camel.PolicyDecision;
import io.mailgateway.policy.dkim.DkimVerifier;
import io.mailgateway.policy.dkim.DkimVerify;
import io.mailgateway.policy.dkim.DnsDkimVerifier;
import io.mailgateway.policy.dmarc.DmarcCheck;
import io.mailgateway.policy.dmarc.DmarcEvaluator;
import io.mailgateway.policy.dns.DnsjavaResolver;
import io.mailgateway.policy.limits.redis.RedisLimits;
import io.mailgateway.policy.limits.redis.RedisSettings;
import io.mailgateway.policy.spf.CachingSpfChecker;
import io.mailgateway.policy.spf.SpfCheck;
import io.mailgateway.policy.spf.SpfChecker;
import io.mailgateway.policy.spf.SpfEvaluator;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Policy at end of data: one DNS resolver and its cache for everything that asks DNS
 * ("dnsResolver": SPF, DKIM, DMARC, and delivery's MX lookups), "spfChecker", "dkimVerifier",
 * and the steps routes/inbound.camel.yaml refers to: the checks dkimVerify, spfCheck, dmarcCheck
 * (each a {@link CheckStep} around its DataCheck, recording a verdict), the decision step
 * policyDecision, and authenticationResults. Each is always bound (so an operator may reorder
 * or remove steps freely); a check does nothing while its *_ENABLED switch is false. Which
 * action follows a DMARC result is configuration: DMARC_TEMPERROR_ACTION, DMARC_POLICY_OVERRIDE.
 * The session-phase checks (connection caps, rate limits, greylisting) belong to the SMTP
 * listener's ConnectionPolicy; with CACHE_BACKEND=redis their buckets and greylist live in
 * "sharedLimits" (Redis, shared by several nodes), bound here.
 */
public final class PolicyBeans implements Capability {

    @Override
    public void bind(Wiring wiring) throws java.io.IOException {
        GatewayConfig config = wiring.config();
        DnsjavaResolver dns = wiring.bind("dnsResolver", DnsjavaResolver.fromConfig(config));
        SpfChecker spfChecker = wiring.bind("spfChecker", spfChecker(config, dns));
        DkimVerifier dkimVerifier = wiring.bind("dkimVerifier", DnsDkimVerifier.fromConfig(config, dns));
        PolicyMetrics metrics = new PolicyMetrics(wiring.lookup("metricsRegistry", MeterRegistry.class));
        wiring.bind("headerLimits", new CheckStep("headerLimits", new HeaderLimits(config.getInt("HOP_COUNT_LIMIT"))));
        wiring.bind("spfCheck", new CheckStep("spfCheck", new SpfCheck(config.getBoolean("SPF_CHECK_ENABLED"), spfChecker, metrics)));
        wiring.bind("dkimVerify", new CheckStep("dkimVerify",
                new DkimVerify(config.getBoolean("DKIM_VERIFY_ENABLED"), metrics, dkimVerifier)));
        // The From domain's policy gets half a POLICY_DNS_TIMEOUT of its own at least (DmarcEvaluator).
        DmarcEvaluator dmarc = new DmarcEvaluator(dns, DmarcEvaluator.parseOverrides(config.get("DMARC_POLICY_OVERRIDE")),
                dns.policyWait().dividedBy(2));
        wiring.bind("dmarcCheck", new CheckStep("dmarcCheck", new DmarcCheck(config.getBoolean("DMARC_CHECK_ENABLED"), dmarc,
                "tempfail".equals(config.get("DMARC_TEMPERROR_ACTION")), metrics)));
        wiring.bind("policyDecision", new PolicyDecision(ConfiguredChecks.instantiate(config.get("POLICY_DATA_CHECKS"))));
        wiring.bind("authenticationResults", new AuthenticationResults(config.hostname()));
        wiring.bind("diskSpaceGuard", io.mailgateway.policy.limits.DiskSpaceGuard.of(config.dataDir(),
                config.getLong("DISK_MIN_FREE"), config.getInt("DISK_MAX_USAGE")));
        if ("redis".equals(config.get("CACHE_BACKEND"))) {
            // the listeners' rate limits and greylisting, shared with every node on this Redis
            wiring.bind("sharedLimits", wiring.closeOnStop(RedisLimits.connect(RedisSettings.from(config),
                    wiring.lookup("metricsRegistry", MeterRegistry.class))));
        }
    }

    /** Our RFC 7208 evaluator on the shared resolver, behind the SPF result cache unless SPF_CACHE_ENABLED=false. */
    private static SpfChecker spfChecker(GatewayConfig config, DnsjavaResolver dns) {
        SpfChecker evaluator = new SpfEvaluator(dns, config.hostname());
        if (!config.getBoolean("SPF_CACHE_ENABLED")) {
            return evaluator;
        }
        return new CachingSpfChecker(evaluator, config.getInt("SPF_CACHE_MAX_ENTRIES"), config.seconds("SPF_CACHE_TTL"));
    }
}
