package io.mailgateway.policy.camel;

import static io.mailgateway.reply.EnhancedStatus.of;

import io.mailgateway.policy.AuthResult;
import io.mailgateway.policy.DataCheck;
import io.mailgateway.policy.EndOfData;
import io.mailgateway.policy.HeaderFields;
import io.mailgateway.policy.Verdict;
import io.mailgateway.reply.SmtpReply;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Set;

/**
 * Test-only end-of-data check: does what the message's {@code X-Test-Verdict:} field says
 * (tempfail, quarantine, else accept), and marks what it accepts with a header field and a result.
 */
public class VerdictFromHeader implements DataCheck {

    static final SmtpReply LATER = SmtpReply.of(451, of(4, 7, 1), "Try again later");

    @Override
    public Verdict onData(EndOfData message) throws IOException {
        List<HeaderFields.Field> asked;
        try (InputStream in = message.content().openReceived()) {
            asked = HeaderFields.scan(in, Set.of("x-test-verdict")).named("x-test-verdict");
        }
        String verdict = asked.isEmpty() ? "" : asked.get(0).value().strip();
        return switch (verdict) {
            case "tempfail" -> Verdict.tempfail(LATER, "asked to tempfail");
            case "quarantine" -> Verdict.quarantine("asked to quarantine").withHeader("X-Test-Checked", "quarantine");
            default -> Verdict.accept().withHeader("X-Test-Checked", "accept")
                    .withResult(AuthResult.of("x-test", "pass").with("header.from", message.envelope().sender().domain()));
        };
    }
}
