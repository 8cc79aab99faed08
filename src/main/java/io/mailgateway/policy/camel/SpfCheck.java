package io.mailgateway.policy.camel;

import io.mailgateway.message.Envelope;
import io.mailgateway.message.EnvelopeCodec;
import io.mailgateway.message.MailHeaders;
import io.mailgateway.metrics.AuthMetrics;
import io.mailgateway.policy.spf.SpfChecker;
import io.mailgateway.policy.spf.SpfResult;
import java.util.Locale;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Route step {@code spfCheck}: SPF (RFC 7208) of the client for MAIL FROM, or for the HELO name
 * when the sender is the null path (RFC 7208 2.4). The result only travels on as headers
 * ({@link MailHeaders#SPF_RESULT}...): SPF alone never rejects here; DMARC decides what a failure
 * means (RFC 7489 10.1), so a temperror never blocks mail either. Off when SPF_CHECK_ENABLED=false.
 */
public class SpfCheck implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(SpfCheck.class);

    private final boolean enabled;
    private final SpfChecker checker;
    private final AuthMetrics metrics;

    public SpfCheck(boolean enabled, SpfChecker checker, AuthMetrics metrics) {
        this.enabled = enabled;
        this.checker = checker;
        this.metrics = metrics;
    }

    @Override
    public void process(Exchange exchange) {
        if (!enabled) {
            return;
        }
        Message in = exchange.getIn();
        Envelope envelope = EnvelopeCodec.read(in);
        String helo = envelope.client().helo() == null ? "" : envelope.client().helo();
        boolean nullSender = envelope.sender().isNull();
        String domain = nullSender ? helo : envelope.sender().domain();
        SpfResult result;
        try {
            result = checker.check(envelope.client().address(), envelope.sender().toString(), helo);
        } catch (RuntimeException e) {
            LOG.warn("{}: SPF check failed, counted as temperror: {}", in.getHeader(MailHeaders.QUEUE_ID), e.toString());
            result = SpfResult.TEMPERROR;
        }
        in.setHeader(MailHeaders.SPF_RESULT, result.keyword());
        in.setHeader(MailHeaders.SPF_DOMAIN, domain.toLowerCase(Locale.ROOT));
        in.setHeader(MailHeaders.SPF_IDENTITY, nullSender ? "helo" : "mailfrom");
        metrics.result("spf", result.keyword());
    }
}
