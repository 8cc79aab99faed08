package io.mailgateway.policy.camel;

import io.mailgateway.message.MailHeaders;
import io.mailgateway.message.MessageContent;
import io.mailgateway.metrics.AuthMetrics;
import io.mailgateway.policy.HeaderFields;
import io.mailgateway.policy.PolicyRejection;
import io.mailgateway.policy.dkim.DkimResult;
import io.mailgateway.policy.dmarc.AuthorDomain;
import io.mailgateway.policy.dmarc.DmarcEvaluator;
import io.mailgateway.policy.dmarc.DmarcRecord.Policy;
import io.mailgateway.policy.dmarc.DmarcVerdict;
import io.mailgateway.policy.spf.SpfResult;
import io.mailgateway.smtp.SmtpReplies;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Route step {@code dmarcCheck}: DMARC (RFC 7489) on the RFC5322.From domain with the SPF and
 * DKIM results of the steps before it. Decisions:
 * <ul>
 * <li>disposition reject → {@link PolicyRejection} 550 5.7.1: the message is not accepted;</li>
 * <li>quarantine → accepted with {@link MailHeaders#QUARANTINE} = "true" (stores flag it);</li>
 * <li>temperror → accepted without disposition (DMARC_TEMPERROR_ACTION=accept, the default), or
 *     451 4.4.3 (=tempfail), so a DNS outage never holds all mail nor rejects good mail;</li>
 * <li>several From fields or mailboxes → 550 5.7.1 (6.6.1: which author would we check?); no
 *     From field → dmarc=none; a From without a usable domain → dmarc=permerror.</li>
 * </ul>
 * Off when DMARC_CHECK_ENABLED=false.
 */
public class DmarcCheck implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(DmarcCheck.class);

    private final boolean enabled;
    private final DmarcEvaluator evaluator;
    private final boolean tempfailOnTemperror;
    private final AuthMetrics metrics;

    public DmarcCheck(boolean enabled, DmarcEvaluator evaluator, boolean tempfailOnTemperror, AuthMetrics metrics) {
        this.enabled = enabled;
        this.evaluator = evaluator;
        this.tempfailOnTemperror = tempfailOnTemperror;
        this.metrics = metrics;
    }

    @Override
    public void process(Exchange exchange) throws IOException, InvalidPayloadException, PolicyRejection {
        if (!enabled) {
            return;
        }
        Message in = exchange.getIn();
        String queueId = in.getHeader(MailHeaders.QUEUE_ID, String.class);
        AuthorDomain author;
        try (InputStream message = in.getMandatoryBody(MessageContent.class).openReceived()) {
            author = AuthorDomain.of(HeaderFields.scan(message, Set.of("from")).named("from"));
        }
        DmarcVerdict verdict = switch (author.status()) {
            case ONE -> evaluate(exchange, author.domain());
            case ABSENT -> new DmarcVerdict(DmarcVerdict.Result.NONE, null, null, Policy.NONE, false);
            case INVALID -> new DmarcVerdict(DmarcVerdict.Result.PERMERROR, null, null, Policy.NONE, false);
            case MULTIPLE -> {
                metrics.result("dmarc", "permerror");
                metrics.disposition("reject");
                LOG.info("{}: rejected: several From mailboxes (RFC 7489 6.6.1)", queueId);
                throw new PolicyRejection(SmtpReplies.AMBIGUOUS_FROM, "several RFC5322.From mailboxes");
            }
        };
        in.setHeader(MailHeaders.DMARC_RESULT, verdict.result().keyword());
        if (verdict.fromDomain() != null) {
            in.setHeader(MailHeaders.DMARC_FROM_DOMAIN, verdict.fromDomain());
        }
        if (verdict.policy() != null) {
            in.setHeader(MailHeaders.DMARC_POLICY, verdict.policy().keyword());
        }
        in.setHeader(MailHeaders.DMARC_DISPOSITION, verdict.disposition().keyword());
        metrics.result("dmarc", verdict.result().keyword());
        metrics.disposition(verdict.disposition().keyword());
        switch (verdict.disposition()) {
            case REJECT -> {
                LOG.info("{}: rejected by DMARC of {}{}", queueId, verdict.fromDomain(), verdict.overridden() ? " (operator override)" : "");
                throw new PolicyRejection(SmtpReplies.DMARC_REJECT, "DMARC reject for " + verdict.fromDomain());
            }
            case QUARANTINE -> in.setHeader(MailHeaders.QUARANTINE, "true");
            case NONE -> {
                if (verdict.result() == DmarcVerdict.Result.TEMPERROR && tempfailOnTemperror) {
                    LOG.info("{}: DMARC temperror for {}, client told to retry", queueId, verdict.fromDomain());
                    throw new PolicyRejection(SmtpReplies.DNS_TEMPFAIL, "DMARC temperror for " + verdict.fromDomain());
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private DmarcVerdict evaluate(Exchange exchange, String fromDomain) {
        Message in = exchange.getIn();
        String spf = in.getHeader(MailHeaders.SPF_RESULT, String.class);
        List<DkimResult> dkim = exchange.getProperty(DkimVerify.RESULTS, List.class);
        return evaluator.evaluate(fromDomain, spf == null ? null : SpfResult.of(spf),
                in.getHeader(MailHeaders.SPF_DOMAIN, String.class), dkim);
    }
}
