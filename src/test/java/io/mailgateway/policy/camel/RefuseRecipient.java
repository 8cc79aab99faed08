package io.mailgateway.policy.camel;

import static io.mailgateway.reply.EnhancedStatus.of;

import io.mailgateway.message.Mailbox;
import io.mailgateway.message.Recipient;
import io.mailgateway.policy.Connection;
import io.mailgateway.policy.RcptCheck;
import io.mailgateway.policy.Verdict;
import io.mailgateway.reply.SmtpReply;

/** Test-only RCPT check: refuses every recipient whose local part is "blocked". */
public class RefuseRecipient implements RcptCheck {

    static final SmtpReply BLOCKED = SmtpReply.of(550, of(5, 7, 1), "Recipient refused by local policy");

    @Override
    public Verdict onRcpt(Connection client, Mailbox sender, Recipient recipient) {
        return recipient.mailbox().localPart().equals("blocked") ? Verdict.reject(BLOCKED, "blocked recipient") : Verdict.accept();
    }
}
