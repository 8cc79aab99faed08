package io.mailgateway.fetch;

import io.mailgateway.message.MailHeaders;
import io.mailgateway.policy.camel.PolicyDecision;
import io.mailgateway.reply.EnhancedStatus;
import io.mailgateway.reply.SmtpReply;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.mail.MailMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Route step {@code fetchedDecision}: the inbound route's {@code policyDecision}, mapped for mail
 * that has no SMTP client to refuse to. The remote server accepted the message long ago; a
 * refusal that stopped the route would let camel-mail delete it at its source unstored. So:
 * <ul>
 * <li>reject: stored, flagged as quarantined (the owner finds it in the Junk folder), logged;</li>
 * <li>tempfail (e.g. DNS down): an exception, so the message stays at its source, unflagged, for
 *     the next poll;</li>
 * <li>accept and quarantine: as on the SMTP path;</li>
 * <li>except a refusal as too big (enhanced status 5.3.4: headerLimits' header section over
 *     1 MiB): not stored, not even quarantined (the steps after this one would read that header
 *     into memory); an exception, so it stays at the source, and {@link FetchLimits} keeps it
 *     out of later polls.</li>
 * </ul>
 */
public final class FetchedDecision implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(FetchedDecision.class);

    /** RFC 3463 3.4: message too big for system. */
    private static final EnhancedStatus TOO_BIG = EnhancedStatus.of(5, 3, 4);

    private final PolicyDecision decision;
    private final FetchLimits limits;

    public FetchedDecision(PolicyDecision decision, FetchLimits limits) {
        this.decision = decision;
        this.limits = limits;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        decision.process(exchange);
        SmtpReply refusal = exchange.getProperty(PolicyDecision.REFUSAL, SmtpReply.class);
        if (refusal == null) {
            return;
        }
        String id = exchange.getIn().getHeader(MailHeaders.QUEUE_ID, String.class);
        String reason = exchange.getProperty(PolicyDecision.REFUSAL_REASON, String.class);
        exchange.removeProperty(PolicyDecision.REFUSAL);
        exchange.setRouteStop(false);
        if (TOO_BIG.equals(refusal.status())) {
            limits.refuse(exchange.getIn(MailMessage.class).getOriginalMessage(), reason);
            throw new IllegalStateException(id + ": fetched mail too big (" + reason + "): left at the source");
        }
        if (refusal.isTransient()) {
            throw new IllegalStateException(id + ": policy says try later (" + reason + "): left at the source for the next poll");
        }
        LOG.info("{}: fetched mail refused by policy ({}): stored quarantined, there is no client to refuse it to", id, reason);
        exchange.getIn().setHeader(MailHeaders.QUARANTINE, "true");
    }
}
