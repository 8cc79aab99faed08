package io.mailgateway.policy.dns;

/** A lookup could not be answered now (timeout, SERVFAIL, network error); retry later, never read it as "no record". */
public class DnsTemporaryException extends Exception {

    public DnsTemporaryException(String message) {
        super(message);
    }

    public DnsTemporaryException(String message, Throwable cause) {
        super(message, cause);
    }
}
