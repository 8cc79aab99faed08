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

/** The example of docs/policy.md, as printed there: refuse a message without a Date: field (RFC 5322 3.6). */
public class RequireDateHeader implements DataCheck {

    static final SmtpReply NO_DATE = SmtpReply.of(550, of(5, 6, 0), "Message must have a Date header field");

    @Override
    public Verdict onData(EndOfData message) throws IOException {
        try (InputStream in = message.content().openReceived()) {
            if (HeaderFields.scan(in, Set.of("date")).named("date").isEmpty()) {
                return Verdict.reject(NO_DATE, "no Date: field");
            }
        }
        return Verdict.accept();
    }
}
