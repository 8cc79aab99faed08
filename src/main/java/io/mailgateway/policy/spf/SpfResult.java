package io.mailgateway.policy.spf;

import java.util.Locale;

/** RFC 7208 section 2.6 results. */
public enum SpfResult {
    PASS, FAIL, SOFTFAIL, NEUTRAL, NONE, TEMPERROR, PERMERROR;

    /** The lower-case name used in Received-SPF and Authentication-Results. */
    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static SpfResult of(String keyword) {
        return valueOf(keyword.trim().toUpperCase(Locale.ROOT));
    }
}
