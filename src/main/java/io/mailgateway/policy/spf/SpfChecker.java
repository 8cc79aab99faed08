package io.mailgateway.policy.spf;

import io.mailgateway.message.Mailbox;

/**
 * SPF (RFC 7208) check of one client: its address, the MAIL FROM mailbox ({@link Mailbox#NULL}
 * for the null path, in which case the HELO identity is checked, RFC 7208 2.4) and the HELO name.
 * The sender comes parsed: its local part and domain are the %{l} and %{o} of the macros (7.3),
 * never split again here. Implementations are thread-safe.
 */
public interface SpfChecker {

    SpfResult check(String ip, Mailbox sender, String helo);

    /** The same check with the identity and domain used and the explanation; implementations that know more override it. */
    default SpfOutcome evaluate(String ip, Mailbox sender, String helo) {
        boolean heloIdentity = sender.isNull();
        String domain = heloIdentity ? helo : sender.domain();
        return new SpfOutcome(check(ip, sender, helo), heloIdentity ? "helo" : "mailfrom", domain, null, null);
    }
}
