package io.mailgateway.policy.spf;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.mailgateway.policy.dns.DnsAnswer;
import io.mailgateway.policy.dns.DnsResolver;
import io.mailgateway.policy.dns.DnsTemporaryException;
import io.mailgateway.policy.spf.SpfRecord.Mechanism;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * One check_host() run (RFC 7208 section 4) and the runs it nests (include, redirect), sharing the
 * counters of the processing limits (4.6.4). Used once, by one thread; temperror and permerror end
 * the whole run as a {@link SpfException}.
 */
final class CheckHost {

    static final int MAX_DNS_TERMS = 10;
    static final int MAX_VOID_LOOKUPS = 2;
    static final int MAX_MX = 10;
    static final int MAX_PTR = 10;

    /** A result of pass, fail, softfail, neutral or none, and the explanation of a fail. */
    record Verdict(SpfResult result, String explanation) {
    }

    private final DnsResolver dns;
    private final String receiver;
    private final SpfIp ip;
    private final String localPart;
    private final String senderDomain;
    private final String helo;
    private int dnsTerms;
    private int voidLookups;
    private boolean usedLocalPart;

    CheckHost(DnsResolver dns, String receiver, SpfIp ip, String localPart, String senderDomain, String helo) {
        this.dns = dns;
        this.receiver = receiver;
        this.ip = ip;
        this.localPart = localPart;
        this.senderDomain = senderDomain;
        this.helo = helo;
    }

    /** RFC 7208 4.3 to 4.7 for {@code domain}; include and redirect call it again. */
    Verdict checkHost(String domain) throws SpfException {
        if (!SpfEvaluator.isValidDomain(domain)) {
            return new Verdict(SpfResult.NONE, null);
        }
        SpfRecord record = fetch(domain);
        if (record == null) {
            return new Verdict(SpfResult.NONE, null);
        }
        MacroExpander.Context ctx = new MacroExpander.Context(ip, localPart, senderDomain, domain, helo, receiver,
                () -> validatedName(domain), () -> usedLocalPart = true);
        for (Mechanism m : record.mechanisms()) {
            if (matches(m, domain, ctx)) {
                return new Verdict(m.qualifier(), m.qualifier() == SpfResult.FAIL ? explanation(record, ctx) : null);
            }
        }
        if (record.redirect() != null) { // RFC 7208 6.1: only when no mechanism matched
            countDnsTerm();
            Verdict v = checkHost(MacroExpander.expandDomain(record.redirect(), ctx));
            if (v.result() == SpfResult.NONE) {
                throw SpfException.permerror("redirect=" + record.redirect() + " leads to no SPF record");
            }
            return v;
        }
        return new Verdict(SpfResult.NEUTRAL, null); // RFC 7208 4.7
    }

    /** RFC 7208 4.4, 4.5: the one "v=spf1" TXT record, or null when there is none. */
    private SpfRecord fetch(String domain) throws SpfException {
        DnsAnswer answer;
        try {
            answer = dns.lookup(domain, Type.TXT);
        } catch (DnsTemporaryException e) {
            throw SpfException.temperror(e.getMessage());
        }
        List<String> spf = new ArrayList<>(1);
        for (Record r : answer.records()) {
            String txt = rawText(r);
            if (SpfRecord.isSpf(txt)) {
                spf.add(txt);
            }
        }
        if (spf.isEmpty()) {
            return null;
        }
        if (spf.size() > 1) {
            throw SpfException.permerror(domain + " has " + spf.size() + " SPF records");
        }
        return SpfRecordParser.parse(spf.get(0));
    }

    private boolean matches(Mechanism m, String domain, MacroExpander.Context ctx) throws SpfException {
        if (m.queriesDns()) {
            countDnsTerm();
        }
        String target = m.domainSpec() == null ? domain : MacroExpander.expandDomain(m.domainSpec(), ctx);
        switch (m.kind()) {
            case ALL:
                return true;
            case IP4:
                return ip.isV4() && ip.inNetwork(m.network(), m.cidr4());
            case IP6:
                return !ip.isV4() && ip.inNetwork(m.network(), m.cidr6());
            case A:
                return addressMatches(lookup(target, ip.isV4() ? Type.A : Type.AAAA, true), m);
            case MX:
                return mxMatches(target, m);
            case PTR:
                return ptrMatches(target);
            case INCLUDE:
                return includeMatches(target);
            case EXISTS:
                // RFC 7208 5.7: always an A query, whatever the client's address family
                return !lookup(target, Type.A, true).isEmpty();
            default:
                throw new IllegalStateException(m.kind().name());
        }
    }

    private boolean includeMatches(String target) throws SpfException {
        Verdict v = checkHost(target);
        return switch (v.result()) {
            case PASS -> true;
            case NONE -> throw SpfException.permerror("include:" + target + " has no SPF record"); // RFC 7208 5.2
            default -> false;
        };
    }

    /** RFC 7208 5.4, 4.6.4: more than 10 MX names is a permerror. */
    private boolean mxMatches(String target, Mechanism m) throws SpfException {
        DnsAnswer mx = lookup(target, Type.MX, true);
        if (mx.records().size() > MAX_MX) {
            throw SpfException.permerror(target + " has " + mx.records().size() + " MX names, over " + MAX_MX);
        }
        for (Record r : mx.records()) {
            String exchange = DnsResolver.text(r);
            if (addressMatches(lookup(exchange, ip.isV4() ? Type.A : Type.AAAA, false), m)) {
                return true;
            }
        }
        return false;
    }

    /** RFC 7208 5.5: a validated name equal to or under the target. */
    private boolean ptrMatches(String target) {
        String t = normalize(target);
        for (String name : validatedNames()) {
            if (name.equals(t) || name.endsWith("." + t)) {
                return true;
            }
        }
        return false;
    }

    /** RFC 7208 7.3 %{p}: a validated name, preferring the domain itself, then one under it; else "unknown". */
    private String validatedName(String domain) {
        List<String> names = validatedNames();
        String d = normalize(domain);
        for (String n : names) {
            if (n.equals(d)) {
                return n;
            }
        }
        for (String n : names) {
            if (n.endsWith("." + d)) {
                return n;
            }
        }
        return names.isEmpty() ? "unknown" : names.get(0);
    }

    /**
     * RFC 7208 5.5: PTR names of the client (the first 10) whose own addresses include the client's.
     * DNS errors here skip the name (or, on the PTR query, give no names): they never fail the check.
     */
    private List<String> validatedNames() {
        List<String> out = new ArrayList<>();
        DnsAnswer ptr;
        try {
            ptr = dns.lookup(ip.reverseName(), Type.PTR);
        } catch (DnsTemporaryException e) {
            return out;
        }
        List<Record> records = ptr.records();
        for (int i = 0; i < records.size() && i < MAX_PTR; i++) {
            String name = normalize(DnsResolver.text(records.get(i)));
            try {
                DnsAnswer addrs = dns.lookup(name, ip.isV4() ? Type.A : Type.AAAA);
                for (Record r : addrs.records()) {
                    if (ip.equalsAddress(address(r))) {
                        out.add(name);
                        break;
                    }
                }
            } catch (DnsTemporaryException e) {
                // RFC 7208 5.5: "If a DNS error occurs ... skip"
            }
        }
        return out;
    }

    private boolean addressMatches(DnsAnswer answer, Mechanism m) {
        for (Record r : answer.records()) {
            byte[] a = address(r);
            if (a != null && ip.inNetwork(a, ip.isV4() ? m.cidr4() : m.cidr6())) {
                return true;
            }
        }
        return false;
    }

    private DnsAnswer lookup(String name, int type, boolean countVoid) throws SpfException {
        DnsAnswer answer;
        try {
            answer = dns.lookup(name, type);
        } catch (DnsTemporaryException e) {
            throw SpfException.temperror(e.getMessage());
        }
        if (countVoid && answer.isEmpty() && ++voidLookups > MAX_VOID_LOOKUPS) {
            throw SpfException.permerror("more than " + MAX_VOID_LOOKUPS + " void lookups (at " + name + ")");
        }
        return answer;
    }

    private void countDnsTerm() throws SpfException {
        if (++dnsTerms > MAX_DNS_TERMS) {
            throw SpfException.permerror("more than " + MAX_DNS_TERMS + " DNS-querying terms");
        }
    }

    private String explanation(SpfRecord record, MacroExpander.Context ctx) {
        if (record.exp() == null) {
            return null;
        }
        try {
            // RFC 7208 6.2: any problem here means no explanation, never a different result
            DnsAnswer answer = dns.lookup(MacroExpander.expandDomain(record.exp(), ctx), Type.TXT);
            if (answer.records().size() != 1) {
                return null;
            }
            String text = rawText(answer.records().get(0));
            MacroExpander.checkSyntax(text, true);
            return MacroExpander.expand(text, ctx, true);
        } catch (SpfException | DnsTemporaryException e) {
            return null;
        }
    }

    /** Whether %{s} or %{l} was expanded: the result then depends on the whole sender. */
    boolean usedLocalPart() {
        return usedLocalPart;
    }

    /**
     * A TXT record's character-strings joined, octet by octet (ISO-8859-1), without dnsjava's
     * presentation escapes: a quote or backslash stays itself and a non-ASCII octet stays non-ASCII
     * (a permerror, RFC 7208 3.1).
     */
    static String rawText(Record r) {
        if (!(r instanceof TXTRecord txt)) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (byte[] part : txt.getStringsAsByteArrays()) {
            sb.append(new String(part, StandardCharsets.ISO_8859_1));
        }
        return sb.toString();
    }

    private static byte[] address(Record r) {
        InetAddress a = r instanceof ARecord ar ? ar.getAddress() : r instanceof AAAARecord aaaa ? aaaa.getAddress() : null;
        return a == null ? null : a.getAddress();
    }

    private static String normalize(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }
}
