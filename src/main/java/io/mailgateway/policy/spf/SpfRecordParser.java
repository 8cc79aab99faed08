package io.mailgateway.policy.spf;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.mailgateway.policy.spf.SpfRecord.Kind;
import io.mailgateway.policy.spf.SpfRecord.Mechanism;
import org.xbill.DNS.Address;

/**
 * Parses a "v=spf1" record into terms (RFC 7208 4.6.1, ABNF of 12). The whole record is checked
 * before anything is evaluated: any syntax error is a permerror (4.6), even after a matching term.
 */
final class SpfRecordParser {

    private static final Pattern MODIFIER = Pattern.compile("([A-Za-z][A-Za-z0-9._-]*)=(.*)", Pattern.DOTALL);
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9._-]*");
    /** domain-spec followed by an optional dual-cidr-length (no leading zeros, ABNF ip4-cidr-length). */
    private static final Pattern SPEC_AND_CIDR = Pattern.compile("(.*?)(?:/(0|[1-9][0-9]*))?(?://(0|[1-9][0-9]*))?");
    private static final Pattern CIDR_ONLY = Pattern.compile("(?:/(0|[1-9][0-9]*))?(?://(0|[1-9][0-9]*))?");
    private static final Pattern IP4 = Pattern.compile("((?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
            + "(?:\\.(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3})(?:/(0|[1-9][0-9]*))?");
    // Possessive, and the ':' it needs is checked in code: "[...]*:[...]*" backtracked over every
    // position, quadratic in the term, and a record is any domain owner's (ip6: and 64 KB of ':'
    // over TCP took minutes of CPU).
    private static final Pattern IP6 = Pattern.compile("([0-9A-Fa-f:.]++)(?:/(0|[1-9][0-9]*+))?+");
    private static final Pattern TOPLABEL = Pattern.compile(
            "[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*|[A-Za-z0-9]+-[A-Za-z0-9-]*[A-Za-z0-9]");

    private SpfRecordParser() {
    }

    static SpfRecord parse(String text) throws SpfException {
        if (!SpfRecord.isSpf(text)) {
            throw SpfException.permerror("not an SPF record");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7e) { // RFC 7208 3.1 / 12: US-ASCII only, SP as the separator
                throw SpfException.permerror("character U+" + Integer.toHexString(c) + " in the record");
            }
        }
        List<Mechanism> mechanisms = new ArrayList<>();
        String redirect = null;
        String exp = null;
        for (String term : text.substring(6).split(" ")) {
            if (term.isEmpty()) {
                continue;
            }
            Matcher m = MODIFIER.matcher(term);
            if (m.matches()) {
                String name = m.group(1).toLowerCase(Locale.ROOT);
                String value = m.group(2);
                if (name.equals("redirect") || name.equals("exp")) {
                    if ((name.equals("redirect") ? redirect : exp) != null) {
                        throw SpfException.permerror(name + "= given twice"); // RFC 7208 6
                    }
                    checkDomainSpec(value, term);
                    if (name.equals("redirect")) {
                        redirect = value;
                    } else {
                        exp = value;
                    }
                } else {
                    MacroExpander.checkSyntax(value, false); // unknown modifiers are ignored, but must parse
                }
                continue;
            }
            mechanisms.add(mechanism(term));
        }
        return new SpfRecord(List.copyOf(mechanisms), redirect, exp);
    }

    private static Mechanism mechanism(String term) throws SpfException {
        SpfResult qualifier = SpfResult.PASS;
        String t = term;
        switch (t.charAt(0)) {
            case '+' -> qualifier = SpfResult.PASS;
            case '-' -> qualifier = SpfResult.FAIL;
            case '~' -> qualifier = SpfResult.SOFTFAIL;
            case '?' -> qualifier = SpfResult.NEUTRAL;
            default -> qualifier = null;
        }
        if (qualifier != null) {
            t = t.substring(1);
        } else {
            qualifier = SpfResult.PASS;
        }
        int end = 0;
        while (end < t.length() && t.charAt(end) != ':' && t.charAt(end) != '/') {
            end++;
        }
        String name = t.substring(0, end);
        String rest = t.substring(end);
        if (!NAME.matcher(name).matches()) {
            throw SpfException.permerror("bad term '" + term + "'");
        }
        Kind kind;
        try {
            kind = Kind.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw SpfException.permerror("unknown mechanism '" + term + "'");
        }
        switch (kind) {
            case ALL -> {
                if (!rest.isEmpty()) {
                    throw SpfException.permerror("bad term '" + term + "'");
                }
                return new Mechanism(qualifier, kind, null, null, 32, 128);
            }
            case INCLUDE, EXISTS -> {
                if (!rest.startsWith(":")) {
                    throw SpfException.permerror(name + " needs a domain: '" + term + "'");
                }
                String spec = rest.substring(1);
                checkDomainSpec(spec, term);
                return new Mechanism(qualifier, kind, spec, null, 32, 128);
            }
            case A, MX, PTR -> {
                return hostMechanism(qualifier, kind, rest, term);
            }
            case IP4, IP6 -> {
                return ipMechanism(qualifier, kind, rest, term);
            }
            default -> throw new IllegalStateException(kind.name());
        }
    }

    private static Mechanism hostMechanism(SpfResult qualifier, Kind kind, String rest, String term) throws SpfException {
        String spec = null;
        String cidr4 = null;
        String cidr6 = null;
        if (rest.startsWith(":")) {
            Matcher m = SPEC_AND_CIDR.matcher(rest.substring(1));
            m.matches(); // always: the domain part may be the whole string
            spec = m.group(1);
            cidr4 = m.group(2);
            cidr6 = m.group(3);
            checkDomainSpec(spec, term);
        } else {
            Matcher m = CIDR_ONLY.matcher(rest);
            if (!m.matches()) {
                throw SpfException.permerror("bad term '" + term + "'");
            }
            cidr4 = m.group(1);
            cidr6 = m.group(2);
        }
        if (kind == Kind.PTR && (cidr4 != null || cidr6 != null)) {
            throw SpfException.permerror("ptr takes no CIDR length: '" + term + "'");
        }
        return new Mechanism(qualifier, kind, spec, null, cidr(cidr4, 32, term), cidr(cidr6, 128, term));
    }

    private static Mechanism ipMechanism(SpfResult qualifier, Kind kind, String rest, String term) throws SpfException {
        if (!rest.startsWith(":")) {
            throw SpfException.permerror(kind.name().toLowerCase(Locale.ROOT) + " needs a network: '" + term + "'");
        }
        Matcher m = (kind == Kind.IP4 ? IP4 : IP6).matcher(rest.substring(1));
        byte[] network = m.matches() && (kind == Kind.IP4 || m.group(1).indexOf(':') >= 0)
                ? Address.toByteArray(m.group(1), kind == Kind.IP4 ? Address.IPv4 : Address.IPv6) : null;
        if (network == null) {
            throw SpfException.permerror("bad network in '" + term + "'");
        }
        if (kind == Kind.IP4) {
            return new Mechanism(qualifier, kind, null, network, cidr(m.group(2), 32, term), 128);
        }
        return new Mechanism(qualifier, kind, null, network, 32, cidr(m.group(2), 128, term));
    }

    private static int cidr(String digits, int max, String term) throws SpfException {
        if (digits == null) {
            return max;
        }
        if (digits.length() > 3 || Integer.parseInt(digits) > max) {
            throw SpfException.permerror("CIDR length over " + max + " in '" + term + "'");
        }
        return Integer.parseInt(digits);
    }

    /**
     * RFC 7208 7.1: domain-spec = macro-string domain-end; domain-end = ( "." toplabel [ "." ] ) / macro-expand.
     * c, r and t macros belong to explanation text only.
     */
    static void checkDomainSpec(String spec, String term) throws SpfException {
        if (spec.isEmpty()) {
            throw SpfException.permerror("empty domain in '" + term + "'");
        }
        int literalTail = MacroExpander.checkSyntax(spec, false);
        String tail = spec.substring(literalTail);
        if (tail.isEmpty()) {
            return; // ends with a macro-expand
        }
        if (tail.endsWith(".")) {
            tail = tail.substring(0, tail.length() - 1);
        }
        int dot = tail.lastIndexOf('.');
        if (dot < 0 || !TOPLABEL.matcher(tail.substring(dot + 1)).matches()) {
            throw SpfException.permerror("domain must end in a top label or a macro: '" + term + "'");
        }
    }
}
