package io.mailgateway.policy.spf;

import io.mailgateway.message.Envelope;
import io.mailgateway.policy.PolicyMetrics;
import io.mailgateway.policy.AuthResult;
import io.mailgateway.policy.DataCheck;
import io.mailgateway.policy.EndOfData;
import io.mailgateway.policy.Verdict;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * End-of-data check {@code spfCheck}: SPF (RFC 7208) of the client for MAIL FROM, or for the HELO
 * name when the sender is the null path (RFC 7208 2.4). Always accepts: SPF alone never rejects
 * here; DMARC decides what a failure means (RFC 7489 10.1), so a temperror never blocks mail
 * either. Reports {@code spf=RESULT smtp.mailfrom=DOMAIN} (or {@code smtp.helo=}) for
 * Authentication-Results and for DMARC. Off (no result) when SPF_CHECK_ENABLED=false.
 */
public class SpfCheck implements DataCheck {

    private static final Logger LOG = LoggerFactory.getLogger(SpfCheck.class);

    private final boolean enabled;
    private final SpfChecker checker;
    private final PolicyMetrics metrics;

    public SpfCheck(boolean enabled, SpfChecker checker, PolicyMetrics metrics) {
        this.enabled = enabled;
        this.checker = checker;
        this.metrics = metrics;
    }

    @Override
    public Verdict onData(EndOfData message) {
        if (!enabled) {
            return Verdict.accept();
        }
        Envelope envelope = message.envelope();
        String helo = envelope.client().helo() == null ? "" : envelope.client().helo();
        boolean nullSender = envelope.sender().isNull();
        String domain = nullSender ? helo : envelope.sender().domain();
        SpfResult result;
        try {
            result = checker.check(envelope.client().address(), envelope.sender(), helo);
        } catch (RuntimeException e) {
            LOG.warn("{}: SPF check failed, counted as temperror: {}", message.queueId(), e.toString());
            result = SpfResult.TEMPERROR;
        }
        metrics.result("spf", result.keyword());
        return Verdict.accept().withResult(AuthResult.of("spf", result.keyword())
                .with(nullSender ? "smtp.helo" : "smtp.mailfrom", domain.toLowerCase(Locale.ROOT)));
    }
}
