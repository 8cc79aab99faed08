package io.mailgateway.policy.dkim;

import io.mailgateway.policy.PolicyMetrics;
import io.mailgateway.policy.AuthResult;
import io.mailgateway.policy.DataCheck;
import io.mailgateway.policy.EndOfData;
import io.mailgateway.policy.Verdict;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * End-of-data check {@code dkimVerify}: verifies every DKIM-Signature (RFC 6376) of the message as
 * the client sent it. Always accepts (like SPF, DKIM alone never rejects); reports one
 * {@code dkim=RESULT header.d=D header.s=S} per signature, {@code dkim=none} when unsigned
 * (RFC 8601 2.7.1), for Authentication-Results and for DMARC. Off when DKIM_VERIFY_ENABLED=false,
 * or without a verifier (then said once in the log).
 */
public class DkimVerify implements DataCheck {

    private static final Logger LOG = LoggerFactory.getLogger(DkimVerify.class);

    private final boolean enabled;
    private final PolicyMetrics metrics;
    private final DkimVerifier verifier;
    private final AtomicBoolean warned = new AtomicBoolean();

    /** @param verifier the verifier; null leaves DKIM unchecked (with one warning) */
    public DkimVerify(boolean enabled, PolicyMetrics metrics, DkimVerifier verifier) {
        this.enabled = enabled;
        this.metrics = metrics;
        this.verifier = verifier;
    }

    @Override
    public Verdict onData(EndOfData message) throws IOException {
        if (!enabled) {
            return Verdict.accept();
        }
        if (verifier == null) {
            if (warned.compareAndSet(false, true)) {
                LOG.warn("DKIM_VERIFY_ENABLED=true but no DKIM verifier is bound as 'dkimVerifier': DKIM is not checked");
            }
            return Verdict.accept();
        }
        List<DkimResult> results;
        try (InputStream in = message.content().openReceived()) {
            results = List.copyOf(verifier.verify(in));
        }
        if (results.isEmpty()) {
            metrics.result("dkim", "none");
            return Verdict.accept().withResult(AuthResult.of("dkim", "none"));
        }
        Verdict verdict = Verdict.accept();
        for (DkimResult r : results) {
            metrics.result("dkim", r.result().keyword());
            verdict = verdict.withResult(result(r));
        }
        return verdict;
    }

    private static AuthResult result(DkimResult r) {
        AuthResult a = AuthResult.of("dkim", r.result().keyword());
        if (r.domain() != null && !r.domain().isEmpty()) {
            a = a.with("header.d", r.domain());
        }
        if (r.selector() != null && !r.selector().isEmpty()) {
            a = a.with("header.s", r.selector());
        }
        return a;
    }
}
