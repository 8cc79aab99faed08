package io.mailgateway.policy.dmarc;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A DMARC policy record (RFC 7489 6.3): the tags that decide a disposition. Reporting tags
 * (rua, ruf, fo, rf, ri) are not acted on here; unknown tags are ignored (6.3).
 *
 * @param p         requested policy for the domain
 * @param sp        requested policy for its subdomains (p when absent)
 * @param pct       percentage of failing messages the policy applies to, 0..100
 * @param strictDkim adkim=s
 * @param strictSpf  aspf=s
 */
public record DmarcRecord(Policy p, Policy sp, int pct, boolean strictDkim, boolean strictSpf) {

    public enum Policy {
        NONE, QUARANTINE, REJECT;

        public String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** RFC 7489 6.6.4: a message outside the pct sample gets the next less strict policy. */
        Policy lessStrict() {
            return this == REJECT ? QUARANTINE : NONE;
        }

        static Optional<Policy> parse(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "none" -> Optional.of(NONE);
                case "quarantine" -> Optional.of(QUARANTINE);
                case "reject" -> Optional.of(REJECT);
                default -> Optional.empty();
            };
        }
    }

    /** Whether a TXT string is meant as a DMARC record: it starts with "v=DMARC1" (6.6.3 step 3). */
    static boolean isDmarc(String txt) {
        String t = txt.stripLeading();
        if (!t.regionMatches(false, 0, "v", 0, 1)) {
            return false;
        }
        int semi = t.indexOf(';');
        String first = semi < 0 ? t : t.substring(0, semi);
        int eq = first.indexOf('=');
        return eq > 0 && first.substring(0, eq).trim().equals("v") && first.substring(eq + 1).trim().equals("DMARC1");
    }

    /**
     * Parses a record that {@link #isDmarc is one}; empty when it is malformed (then no DMARC
     * processing applies). A missing or invalid p with a valid rua is read as p=none (6.6.3).
     */
    static Optional<DmarcRecord> parse(String txt) {
        Map<String, String> tags = new HashMap<>();
        for (String part : txt.split(";")) {
            String t = part.trim();
            if (t.isEmpty()) {
                continue;
            }
            int eq = t.indexOf('=');
            if (eq <= 0) {
                return Optional.empty();
            }
            String name = t.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            if (tags.putIfAbsent(name, t.substring(eq + 1).trim()) != null) {
                return Optional.empty(); // a tag given twice
            }
        }
        Optional<Policy> p = Optional.ofNullable(tags.get("p")).flatMap(Policy::parse);
        Optional<Policy> sp = tags.containsKey("sp") ? Policy.parse(tags.get("sp")) : p;
        if (p.isEmpty() || sp.isEmpty()) {
            String rua = tags.getOrDefault("rua", "");
            if (!rua.toLowerCase(Locale.ROOT).contains("mailto:")) {
                return Optional.empty();
            }
            p = Optional.of(Policy.NONE);
            sp = Optional.of(Policy.NONE);
        }
        Optional<Boolean> adkim = mode(tags.get("adkim"));
        Optional<Boolean> aspf = mode(tags.get("aspf"));
        int pct;
        try {
            pct = Integer.parseInt(tags.getOrDefault("pct", "100"));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (adkim.isEmpty() || aspf.isEmpty() || pct < 0 || pct > 100) {
            return Optional.empty();
        }
        return Optional.of(new DmarcRecord(p.get(), sp.get(), pct, adkim.get(), aspf.get()));
    }

    /** r (relaxed, the default) or s (strict); true for strict. */
    private static Optional<Boolean> mode(String v) {
        if (v == null || v.equalsIgnoreCase("r")) {
            return Optional.of(false);
        }
        return v.equalsIgnoreCase("s") ? Optional.of(true) : Optional.empty();
    }
}
