package io.mailgateway.policy.spf;

import io.mailgateway.message.Mailbox;
import io.mailgateway.policy.dns.DnsResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Our RFC 7208 evaluator over {@link DnsResolver}: picks the identity (MAIL FROM, or HELO for the
 * null reverse-path), validates the domain (4.3) and runs {@link CheckHost}; parsing is
 * {@link SpfRecordParser}, macros {@link MacroExpander}. Stateless and thread-safe; each check keeps
 * its own counters for the processing limits of 4.6.4 (10 DNS-querying terms, 2 void lookups,
 * 10 MX names, 10 PTR names). A DNS timeout or SERVFAIL is temperror, never a pass.
 */
public final class SpfEvaluator implements SpfChecker {

    private static final Logger LOG = LoggerFactory.getLogger(SpfEvaluator.class);

    private final DnsResolver dns;
    private final String receiver;

    public SpfEvaluator(DnsResolver dns) {
        this(dns, "unknown");
    }

    /** {@code receiver} is this host's name, the %{r} of explanations. */
    public SpfEvaluator(DnsResolver dns, String receiver) {
        this.dns = dns;
        this.receiver = receiver;
    }

    @Override
    public SpfResult check(String ip, Mailbox sender, String helo) {
        return evaluate(ip, sender, helo).result();
    }

    @Override
    public SpfOutcome evaluate(String ip, Mailbox sender, String helo) {
        return evaluateTracked(ip, sender, helo).outcome();
    }

    /** An outcome and whether it depended on the sender's local part (through %{s} or %{l}). */
    record Tracked(SpfOutcome outcome, boolean usedLocalPart) {
    }

    Tracked evaluateTracked(String ip, Mailbox sender, String helo) {
        String heloName = helo == null ? "" : helo.strip();
        String identity;
        String local;
        String domain;
        if (sender.isNull()) {
            // RFC 7208 2.4: the null reverse-path is checked as postmaster@<HELO name>
            identity = "helo";
            local = "postmaster";
            domain = heloName;
        } else {
            identity = "mailfrom";
            // RFC 7208 4.3: no local-part → postmaster
            local = sender.localPart().isEmpty() ? "postmaster" : sender.localPart();
            domain = sender.domain();
        }
        SpfIp addr = SpfIp.parse(ip);
        if (addr == null) {
            return new Tracked(new SpfOutcome(SpfResult.NONE, identity, domain, null,
                    "client address '" + ip + "' is not an IP address"), false);
        }
        if (!isValidDomain(domain)) { // RFC 7208 4.3
            return new Tracked(new SpfOutcome(SpfResult.NONE, identity, domain, null,
                    "'" + domain + "' is not a domain name"), false);
        }
        CheckHost ev = new CheckHost(dns, receiver, addr, local, domain, heloName);
        SpfOutcome outcome;
        try {
            CheckHost.Verdict v = ev.checkHost(domain);
            outcome = new SpfOutcome(v.result(), identity, domain, v.explanation(), null);
        } catch (SpfException e) {
            outcome = new SpfOutcome(e.result(), identity, domain, null, e.getMessage());
        } catch (RuntimeException e) {
            // a bug or an input we did not foresee must never read as a pass: retry later
            LOG.warn("SPF check of {} from {} failed: {}", domain, ip, e.toString(), e);
            outcome = new SpfOutcome(SpfResult.TEMPERROR, identity, domain, null, "internal error: " + e);
        }
        return new Tracked(outcome, ev.usedLocalPart());
    }

    /** RFC 7208 4.3: a multi-label name, each label 1 to 63 octets, at most 253 in all; not an address literal. */
    static boolean isValidDomain(String domain) {
        if (domain == null || domain.isEmpty() || domain.startsWith("[")) {
            return false;
        }
        String s = domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
        if (s.length() > 253) {
            return false;
        }
        String[] labels = s.split("\\.", -1);
        if (labels.length < 2) {
            return false;
        }
        for (String label : labels) {
            if (label.isEmpty() || label.length() > 63) {
                return false;
            }
        }
        return !labels[labels.length - 1].chars().allMatch(Character::isDigit);
    }

}
