package io.mailgateway.smtp;

import io.mailgateway.message.Mailbox;
import io.mailgateway.message.Recipient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One mail transaction (RFC 5321 3.3): MAIL, then RCPTs, then DATA or BDAT chunks. */
final class MailTransaction {

    final Mailbox sender;
    final Map<String, String> senderParameters;
    final boolean smtpUtf8;
    final List<Recipient> recipients = new ArrayList<>();
    MessageBuffer buffer;
    boolean bdatStarted;

    MailTransaction(Mailbox sender, Map<String, String> senderParameters, boolean smtpUtf8) {
        this.sender = sender;
        this.senderParameters = senderParameters;
        this.smtpUtf8 = smtpUtf8;
    }

    boolean hasRecipient(Mailbox mailbox) {
        return recipients.stream().anyMatch(r -> r.mailbox().equals(mailbox));
    }

    void discard() {
        if (buffer != null) {
            buffer.discard();
            buffer = null;
        }
    }
}
