package io.mailgateway.policy.camel;

import io.mailgateway.message.MailHeaders;
import io.mailgateway.message.MessageContent;
import io.mailgateway.policy.DataCheck;
import io.mailgateway.policy.Verdict;
import io.mailgateway.policy.Verdicts;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Route step {@code policyDecision}: the one place the verdicts of the end-of-data checks
 * ({@link CheckStep}s before it) take effect, by {@link Verdicts#decide()}:
 * <ul>
 * <li>reject or tempfail: the route stops here, before the broker write, and the reply for the
 *     client is left in {@link #REFUSAL}: the SMTP listener answers with it (550 5.7.1, 451 4.4.3 ...);</li>
 * <li>quarantine: {@link MailHeaders#QUARANTINE} = "true", which the stores read (Maildir Junk folder, SQL column);</li>
 * <li>the checks' header fields are prepended to the message (the body is not copied).</li>
 * </ul>
 * Authentication results stay recorded for the {@code authenticationResults} step.
 */
public class PolicyDecision implements Processor {

    /** Exchange property: the {@code reply.SmtpReply} a refused message gets; absent when accepted. */
    public static final String REFUSAL = "MailPolicyRefusal";
    /** Exchange property: why it was refused, for the listener's log line. */
    public static final String REFUSAL_REASON = "MailPolicyRefusalReason";

    private static final Logger LOG = LoggerFactory.getLogger(PolicyDecision.class);

    /** POLICY_DATA_CHECKS, run just before deciding (none by default). */
    private final List<CheckStep> configured;

    public PolicyDecision() {
        this(List.of());
    }

    public PolicyDecision(List<DataCheck> configured) {
        this.configured = configured.stream().map(c -> new CheckStep(c.getClass().getSimpleName(), c)).toList();
    }

    /** "spf=pass dkim=none dmarc=pass": the authentication results recorded for a message, for its log line. */
    public static String results(Exchange exchange) {
        StringBuilder b = new StringBuilder();
        for (io.mailgateway.policy.AuthResult r : CheckStep.verdicts(exchange).results()) {
            b.append(b.length() == 0 ? "" : " ").append(r.method()).append('=').append(r.result());
        }
        return b.length() == 0 ? "none" : b.toString();
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        for (CheckStep step : configured) {
            step.process(exchange); // records its verdict; skipped once an earlier check refused
        }
        Verdicts verdicts = CheckStep.verdicts(exchange);
        Verdict outcome = verdicts.decide();
        Message in = exchange.getIn();
        if (outcome.refuses()) {
            exchange.setProperty(REFUSAL, outcome.reply());
            exchange.setProperty(REFUSAL_REASON, verdicts.refusedBy() + ": " + outcome.reason());
            exchange.setRouteStop(true);
            return;
        }
        if (outcome.action() == Verdict.Action.QUARANTINE) {
            LOG.info("{}: quarantined ({})", in.getHeader(MailHeaders.QUEUE_ID), outcome.reason());
            in.setHeader(MailHeaders.QUARANTINE, "true");
        }
        if (!outcome.headers().isEmpty()) {
            StringBuilder fields = new StringBuilder();
            outcome.headers().forEach(h -> fields.append(h.toField()));
            in.setBody(in.getBody(MessageContent.class).withPrefix(fields.toString().getBytes(StandardCharsets.UTF_8)));
        }
    }
}
