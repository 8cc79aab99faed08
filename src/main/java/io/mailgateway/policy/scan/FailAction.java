package io.mailgateway.policy.scan;

import java.util.Locale;

/** What a scan check does when its engine cannot answer (down, timeout, breaker open): SPAM_FAIL_ACTION, VIRUS_FAIL_ACTION. */
public enum FailAction {
    /** 451 4.7.1: the client keeps the message and retries (RFC 5321 4.5.4.1). */
    TEMPFAIL,
    /** Take the message unscanned, with a header saying so. */
    ACCEPT;

    public static FailAction parse(String value) {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }

    static String check(String value) {
        return value.trim().matches("(?i)tempfail|accept") ? null : "must be tempfail or accept, got '" + value + "'";
    }
}
