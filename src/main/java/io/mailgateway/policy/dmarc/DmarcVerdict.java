package io.mailgateway.policy.dmarc;

import io.mailgateway.policy.dmarc.DmarcRecord.Policy;
import java.util.Locale;

/**
 * The outcome of one DMARC evaluation (RFC 7489 section 6.6).
 *
 * @param result      pass, fail, none (no policy), temperror, permerror
 * @param fromDomain  the RFC5322.From domain (header.from)
 * @param policy      the policy the record requests for this domain (p or sp), null without a record
 * @param disposition what the gateway does: none (deliver), quarantine or reject
 * @param overridden  the disposition comes from DMARC_POLICY_OVERRIDE, not from the record
 */
public record DmarcVerdict(Result result, String fromDomain, Policy policy, Policy disposition, boolean overridden) {

    public enum Result {
        PASS, FAIL, NONE, TEMPERROR, PERMERROR;

        public String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static DmarcVerdict of(Result result, String fromDomain) {
        return new DmarcVerdict(result, fromDomain, null, Policy.NONE, false);
    }
}
