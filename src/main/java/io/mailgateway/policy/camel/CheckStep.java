package io.mailgateway.policy.camel;

import io.mailgateway.message.EnvelopeCodec;
import io.mailgateway.message.MailHeaders;
import io.mailgateway.message.MessageContent;
import io.mailgateway.policy.DataCheck;
import io.mailgateway.policy.EndOfData;
import io.mailgateway.policy.Verdict;
import io.mailgateway.policy.Verdicts;
import io.mailgateway.policy.dns.DnsBudget;
import io.mailgateway.policy.dns.DnsjavaResolver;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * A route step of routes/inbound.camel.yaml that runs one {@link DataCheck} and records its
 * verdict on the exchange ({@link #VERDICTS}); it decides nothing itself: the decision step
 * ({@link PolicyDecision}) does, after all checks. Once a check has refused the message the
 * later ones are skipped: their work would be thrown away.
 *
 * <p>Bound by the gateway for its own checks ({@code spfCheck}, ...); for a check of your own,
 * bind {@code new CheckStep("name", new YourCheck())} or declare it in the YAML {@code beans:}
 * section (docs/policy.md).
 */
public class CheckStep implements Processor {

    /** Exchange property with the {@link Verdicts} of the message; only within the inbound route. */
    public static final String VERDICTS = "MailVerdicts";
    /** Exchange property: System.nanoTime() after which this message's checks get no more DNS waits. */
    static final String DNS_DEADLINE = "MailDnsDeadline";

    private String name;
    private DataCheck check;

    /** For the YAML {@code beans:} section: set {@code name} and {@code check}. */
    public CheckStep() {
    }

    public CheckStep(String name, DataCheck check) {
        this.name = name;
        this.check = check;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        if (check == null) {
            throw new IllegalStateException("policy step '" + name + "' has no check: set its property 'check'");
        }
        Verdicts verdicts = verdicts(exchange);
        if (verdicts.refused()) {
            return;
        }
        Message in = exchange.getIn();
        EndOfData message = new EndOfData(in.getHeader(MailHeaders.QUEUE_ID, String.class), EnvelopeCodec.read(in),
                in.getMandatoryBody(MessageContent.class), verdicts.results());
        Verdict verdict = DnsBudget.until(dnsDeadline(exchange), () -> check.onData(message));
        verdicts.add(name(), verdict);
    }

    /**
     * When this message's checks stop waiting for DNS: POLICY_DNS_TIMEOUT after its first check
     * started, shared by all its checks (the gateway's resolver says how long; without one, never).
     */
    private static long dnsDeadline(Exchange exchange) {
        Long deadline = exchange.getProperty(DNS_DEADLINE, Long.class);
        if (deadline == null) {
            DnsjavaResolver resolver = exchange.getContext().getRegistry().lookupByNameAndType("dnsResolver", DnsjavaResolver.class);
            deadline = resolver == null ? Long.MAX_VALUE : System.nanoTime() + resolver.policyWait().toNanos();
            exchange.setProperty(DNS_DEADLINE, deadline);
        }
        return deadline;
    }

    /** The verdicts recorded on this exchange so far (created on first use). */
    static Verdicts verdicts(Exchange exchange) {
        Verdicts v = exchange.getProperty(VERDICTS, Verdicts.class);
        if (v == null) {
            v = new Verdicts();
            exchange.setProperty(VERDICTS, v);
        }
        return v;
    }

    private String name() {
        return name != null ? name : check.getClass().getSimpleName();
    }

    public void setName(String name) {
        this.name = name;
    }

    public void setCheck(DataCheck check) {
        this.check = check;
    }
}
