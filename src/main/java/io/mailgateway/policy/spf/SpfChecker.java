package io.mailgateway.policy.spf;

/** SPF (RFC 7208) check of one client: its address, the MAIL FROM address (empty for the null path) and the HELO name. */
public interface SpfChecker {

    SpfResult check(String ip, String mailFrom, String helo);
}
