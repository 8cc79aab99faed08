package io.mailgateway.policy.dkim;

import java.util.Locale;

/**
 * The outcome of verifying one DKIM-Signature header (RFC 6376 section 6, RFC 8601 section 2.7.1).
 *
 * @param domain   the signing domain (d=), lower case; empty if the signature could not be parsed
 * @param selector the selector (s=)
 * @param result   pass, fail, neutral, temperror, permerror
 * @param reason   a short human reason for anything but pass (goes into Authentication-Results)
 */
public record DkimResult(String domain, String selector, Result result, String reason) {

    public enum Result {
        PASS, FAIL, NEUTRAL, TEMPERROR, PERMERROR;

        public String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
