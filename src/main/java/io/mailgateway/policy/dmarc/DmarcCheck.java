package io.mailgateway.policy.dmarc;

import io.mailgateway.policy.PolicyMetrics;
import io.mailgateway.policy.AuthResult;
import io.mailgateway.policy.DataCheck;
import io.mailgateway.policy.EndOfData;
import io.mailgateway.policy.HeaderFields;
import io.mailgateway.policy.Verdict;
import io.mailgateway.policy.dkim.DkimResult;
import io.mailgateway.policy.dmarc.DmarcRecord.Policy;
import io.mailgateway.policy.spf.SpfResult;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * End-of-data check {@code dmarcCheck}: DMARC (RFC 7489) on the RFC5322.From domain with the
 * {@code spf} and {@code dkim} results of the checks before it. Verdicts:
 * <ul>
 * <li>disposition reject → reject 550 5.7.1: the message is not accepted;</li>
 * <li>quarantine → quarantine (stores flag it);</li>
 * <li>temperror → accept without disposition (DMARC_TEMPERROR_ACTION=accept, the default), or
 *     tempfail 451 4.4.3 (=tempfail), so a DNS outage never holds all mail nor rejects good mail;</li>
 * <li>several From fields or mailboxes → reject 550 5.7.1 (6.6.1: which author would we check?);
 *     no From field → dmarc=none; a From without a usable domain → dmarc=permerror.</li>
 * </ul>
 * Every verdict but the ambiguous From reports {@code dmarc=RESULT [(p=P dis=D)] header.from=DOMAIN}.
 * Off when DMARC_CHECK_ENABLED=false.
 */
public class DmarcCheck implements DataCheck {

    private static final Logger LOG = LoggerFactory.getLogger(DmarcCheck.class);

    private final boolean enabled;
    private final DmarcEvaluator evaluator;
    private final boolean tempfailOnTemperror;
    private final PolicyMetrics metrics;

    public DmarcCheck(boolean enabled, DmarcEvaluator evaluator, boolean tempfailOnTemperror, PolicyMetrics metrics) {
        this.enabled = enabled;
        this.evaluator = evaluator;
        this.tempfailOnTemperror = tempfailOnTemperror;
        this.metrics = metrics;
    }

    @Override
    public Verdict onData(EndOfData message) throws IOException {
        if (!enabled) {
            return Verdict.accept();
        }
        AuthorDomain author;
        try (InputStream in = message.content().openReceived()) {
            author = AuthorDomain.of(HeaderFields.scan(in, Set.of("from")).named("from"));
        }
        DmarcVerdict dmarc = switch (author.status()) {
            case ONE -> evaluate(message, author.domain());
            case ABSENT -> new DmarcVerdict(DmarcVerdict.Result.NONE, null, null, Policy.NONE, false);
            case INVALID -> new DmarcVerdict(DmarcVerdict.Result.PERMERROR, null, null, Policy.NONE, false);
            case MULTIPLE, CUT -> null;
        };
        if (dmarc == null) {
            metrics.result("dmarc", "permerror");
            metrics.disposition("reject");
            // RFC 7489 6.6.1: a message whose author cannot be told for sure is not evaluated but refused;
            // a From cut short used to pass as the domain its visible part named (or permerror: accepted)
            return author.status() == AuthorDomain.Status.CUT
                    ? Verdict.reject(DmarcReplies.FROM_TOO_LONG, "From field over 1,024 octets a line or 16 KiB (RFC 7489 6.6.1)")
                    : Verdict.reject(DmarcReplies.AMBIGUOUS_FROM, "several RFC5322.From mailboxes (RFC 7489 6.6.1)");
        }
        metrics.result("dmarc", dmarc.result().keyword());
        metrics.disposition(dmarc.disposition().keyword());
        return verdict(dmarc).withResult(result(dmarc));
    }

    private Verdict verdict(DmarcVerdict dmarc) {
        String override = dmarc.overridden() ? " (operator override)" : "";
        return switch (dmarc.disposition()) {
            case REJECT -> Verdict.reject(DmarcReplies.DMARC_REJECT, "DMARC reject for " + dmarc.fromDomain() + override);
            case QUARANTINE -> Verdict.quarantine("DMARC quarantine for " + dmarc.fromDomain() + override);
            case NONE -> dmarc.result() == DmarcVerdict.Result.TEMPERROR && tempfailOnTemperror
                    ? Verdict.tempfail(DmarcReplies.DNS_TEMPFAIL, "DMARC temperror for " + dmarc.fromDomain())
                    : Verdict.accept();
        };
    }

    /** RFC 8601 / RFC 7489 11.2: dmarc=RESULT (p=POLICY dis=DISPOSITION) header.from=DOMAIN. */
    private static AuthResult result(DmarcVerdict dmarc) {
        AuthResult r = AuthResult.of("dmarc", dmarc.result().keyword());
        if (dmarc.policy() != null) {
            r = r.withComment("p=" + dmarc.policy().keyword() + " dis=" + dmarc.disposition().keyword());
        }
        return dmarc.fromDomain() == null ? r : r.with("header.from", dmarc.fromDomain());
    }

    /** SPF and DKIM as the checks before this one reported them; absent results mean "not checked". */
    private DmarcVerdict evaluate(EndOfData message, String fromDomain) {
        Optional<AuthResult> spf = message.results("spf").stream().findFirst();
        List<AuthResult> dkim = message.results("dkim");
        List<DkimResult> signatures = dkim.stream().filter(r -> !r.result().equals("none"))
                .map(r -> new DkimResult(r.property("header.d").orElse(""), r.property("header.s").orElse(""),
                        DkimResult.Result.valueOf(r.result().toUpperCase(Locale.ROOT)), null))
                .toList();
        return evaluator.evaluate(fromDomain, spf.map(r -> SpfResult.of(r.result())).orElse(null),
                spf.flatMap(r -> r.property("smtp.mailfrom").or(() -> r.property("smtp.helo"))).orElse(null),
                dkim.isEmpty() ? null : signatures);
    }
}
