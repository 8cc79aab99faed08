package io.mailgateway.policy.dmarc;

import io.mailgateway.policy.dkim.DkimResult;
import io.mailgateway.policy.dmarc.DmarcRecord.Policy;
import io.mailgateway.policy.dmarc.DmarcVerdict.Result;
import io.mailgateway.policy.dns.DnsBudget;
import io.mailgateway.policy.dns.DnsResolver;
import io.mailgateway.policy.dns.DnsTemporaryException;
import io.mailgateway.policy.spf.SpfResult;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntSupplier;

/**
 * DMARC (RFC 7489) for one message: policy discovery at the From domain, then at its
 * organizational domain (6.6.3), identifier alignment of SPF and DKIM (3.1), and the
 * disposition from p / sp / pct (6.6.4), with the operator's per-domain override on top.
 *
 * <p>A temporary DNS error while looking up the policy, or an SPF or DKIM temperror of an
 * identifier that would align when nothing else aligned, gives {@link Result#TEMPERROR} and no
 * disposition: a failure caused by a DNS hiccup must not reject mail that would pass a minute
 * later. A temperror of an identifier that cannot align (the sender's own domain, a signature by
 * another d=) changes nothing: it could never make the message pass, and counting it let anyone
 * turn a {@code p=reject} fail into an accepted temperror with a SERVFAIL in a zone of their own.
 *
 * <p>The policy lookup gets at least {@code policyFloor} to wait whatever the checks before it
 * left of the message's DNS time ({@link DnsBudget#atLeast}): else slow answers from the
 * sender's zones would use the time up and make the From domain's policy a temperror.
 */
public final class DmarcEvaluator {

    private final DnsResolver dns;
    private final Map<String, Policy> overrides;
    private final IntSupplier percentile;
    private final Duration policyFloor;

    /**
     * @param percentile  draws 0..99 for the pct sample; tests pass a fixed one
     * @param policyFloor the least time the policy lookup may wait, whatever the message's checks used
     */
    public DmarcEvaluator(DnsResolver dns, Map<String, Policy> overrides, IntSupplier percentile, Duration policyFloor) {
        this.dns = dns;
        this.overrides = Map.copyOf(overrides);
        this.percentile = percentile;
        this.policyFloor = policyFloor;
    }

    public DmarcEvaluator(DnsResolver dns, Map<String, Policy> overrides, IntSupplier percentile) {
        this(dns, overrides, percentile, Duration.ZERO);
    }

    public DmarcEvaluator(DnsResolver dns, Map<String, Policy> overrides) {
        this(dns, overrides, Duration.ZERO);
    }

    public DmarcEvaluator(DnsResolver dns, Map<String, Policy> overrides, Duration policyFloor) {
        this(dns, overrides, () -> ThreadLocalRandom.current().nextInt(100), policyFloor);
    }

    /**
     * @param fromDomain the RFC5322.From domain, lower case
     * @param spf        SPF result, null when SPF was not checked
     * @param spfDomain  the domain SPF checked: MAIL FROM's, or the HELO name for the null sender
     * @param dkim       one result per DKIM signature, null when DKIM was not verified
     */
    public DmarcVerdict evaluate(String fromDomain, SpfResult spf, String spfDomain, List<DkimResult> dkim) {
        String orgDomain = OrganizationalDomain.of(fromDomain);
        Optional<DmarcRecord> record;
        boolean atOrgDomain;
        try {
            // one floor for both lookups: the organizational domain's comes out of the same time
            Found found = DnsBudget.atLeast(policyFloor, () -> policy(fromDomain, orgDomain));
            record = found.record();
            atOrgDomain = found.atOrgDomain();
        } catch (DnsTemporaryException e) {
            return DmarcVerdict.of(Result.TEMPERROR, fromDomain);
        }
        if (record == null || record.isEmpty()) {
            // no record, several records, or a malformed one: no DMARC policy (6.6.3)
            return DmarcVerdict.of(Result.NONE, fromDomain);
        }
        DmarcRecord r = record.get();
        boolean spfAligned = spf == SpfResult.PASS && OrganizationalDomain.aligned(spfDomain, fromDomain, r.strictSpf());
        boolean dkimAligned = dkim != null && dkim.stream().anyMatch(d -> d.result() == DkimResult.Result.PASS
                && OrganizationalDomain.aligned(d.domain(), fromDomain, r.strictDkim()));
        Policy requested = atOrgDomain ? r.sp() : r.p();
        if (spfAligned || dkimAligned) {
            return new DmarcVerdict(Result.PASS, fromDomain, requested, Policy.NONE, false);
        }
        boolean temporary = spf == SpfResult.TEMPERROR && spfDomain != null
                && OrganizationalDomain.aligned(spfDomain, fromDomain, r.strictSpf())
                || dkim != null && dkim.stream().anyMatch(d -> d.result() == DkimResult.Result.TEMPERROR
                        && d.domain() != null && OrganizationalDomain.aligned(d.domain(), fromDomain, r.strictDkim()));
        if (temporary) {
            return new DmarcVerdict(Result.TEMPERROR, fromDomain, requested, Policy.NONE, false);
        }
        Policy override = overrides.getOrDefault(fromDomain, overrides.get(orgDomain));
        if (override != null) {
            return new DmarcVerdict(Result.FAIL, fromDomain, requested, override, true);
        }
        Policy disposition = requested;
        if (r.pct() < 100 && percentile.getAsInt() >= r.pct()) {
            disposition = requested.lessStrict();
        }
        return new DmarcVerdict(Result.FAIL, fromDomain, requested, disposition, false);
    }

    /** A policy lookup's outcome: the record as {@link #lookup} gives it (null: none), and where. */
    private record Found(Optional<DmarcRecord> record, boolean atOrgDomain) {
    }

    /** The policy record (6.6.3): at the From domain, else at its organizational domain. */
    private Found policy(String fromDomain, String orgDomain) throws DnsTemporaryException {
        Optional<DmarcRecord> atFrom = lookup(fromDomain);
        if (atFrom != null || orgDomain.equals(fromDomain)) {
            return new Found(atFrom, false);
        }
        return new Found(lookup(orgDomain), true);
    }

    /** null: no DMARC record there; empty: records there, but not exactly one valid one. */
    private Optional<DmarcRecord> lookup(String domain) throws DnsTemporaryException {
        List<String> records = dns.txt("_dmarc." + domain).stream().filter(DmarcRecord::isDmarc).toList();
        if (records.isEmpty()) {
            return null;
        }
        if (records.size() > 1) {
            return Optional.empty(); // 6.6.3 step 5: more than one record, no DMARC processing
        }
        return DmarcRecord.parse(records.get(0));
    }

    /**
     * DMARC_POLICY_OVERRIDE: "example.org=none,bank.test=reject". Checks and parses.
     *
     * @throws IllegalArgumentException naming the bad entry
     */
    public static Map<String, Policy> parseOverrides(String value) {
        Map<String, Policy> out = new HashMap<>();
        if (value == null || value.isBlank()) {
            return out;
        }
        for (String entry : value.split(",")) {
            String e = entry.trim();
            int eq = e.indexOf('=');
            String domain = eq < 0 ? "" : e.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            Optional<Policy> policy = eq < 0 ? Optional.empty() : Policy.parse(e.substring(eq + 1).trim());
            if (!AuthorDomain.isDomainName(domain) || policy.isEmpty()) {
                throw new IllegalArgumentException("'" + e + "' is not DOMAIN=none|quarantine|reject");
            }
            out.put(domain, policy.get());
        }
        return out;
    }

    /** For the Setting check: null when good. */
    public static String checkOverrides(String value) {
        try {
            parseOverrides(value);
            return null;
        } catch (IllegalArgumentException e) {
            return "must be a comma-separated list of DOMAIN=none|quarantine|reject, " + e.getMessage();
        }
    }
}
