package io.mailgateway.policy.spf;

/**
 * SPF (RFC 7208) check of one client: its address, the MAIL FROM address (empty for the null path,
 * in which case the HELO identity is checked) and the HELO name. Implementations are thread-safe.
 */
public interface SpfChecker {

    SpfResult check(String ip, String mailFrom, String helo);

    /** The same check with the identity and domain used and the explanation; implementations that know more override it. */
    default SpfOutcome evaluate(String ip, String mailFrom, String helo) {
        String from = SpfEvaluator.stripBrackets(mailFrom);
        boolean heloIdentity = from.isEmpty();
        String domain = heloIdentity ? helo : from.substring(from.lastIndexOf('@') + 1);
        return new SpfOutcome(check(ip, mailFrom, helo), heloIdentity ? "helo" : "mailfrom", domain, null, null);
    }
}
