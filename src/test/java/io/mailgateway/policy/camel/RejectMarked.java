package io.mailgateway.policy.camel;

import static io.mailgateway.reply.EnhancedStatus.of;

import io.mailgateway.policy.DataCheck;
import io.mailgateway.policy.EndOfData;
import io.mailgateway.policy.HeaderFields;
import io.mailgateway.policy.Verdict;
import io.mailgateway.reply.SmtpReply;
import java.io.IOException;
import java.io.InputStream;
import java.util.Set;

/**
 * Test-only check that TestGateway names in POLICY_DATA_CHECKS: refuses a message whose
 * {@code X-Test-Config-Check:} field says "reject", and accepts every other message unchanged
 * (no header, no result), so it is invisible to the other tests.
 */
public class RejectMarked implements DataCheck {

    static final SmtpReply REFUSED = SmtpReply.of(554, of(5, 7, 0), "Refused by a configured check");

    @Override
    public Verdict onData(EndOfData message) throws IOException {
        try (InputStream in = message.content().openReceived()) {
            boolean marked = HeaderFields.scan(in, Set.of("x-test-config-check")).named("x-test-config-check").stream()
                    .anyMatch(f -> f.value().strip().equals("reject"));
            return marked ? Verdict.reject(REFUSED, "marked for rejection") : Verdict.accept();
        }
    }
}
