package io.mailgateway.smtp;

import java.util.ArrayList;
import java.util.List;

/** One mail transaction (RFC 5321 3.3): MAIL, then RCPTs, then DATA or BDAT chunks. */
final class MailTransaction {

    final MailAddress sender;
    final boolean smtpUtf8;
    final boolean eightBitMime;
    final List<MailAddress> recipients = new ArrayList<>();
    MessageBuffer buffer;
    boolean bdatStarted;

    MailTransaction(MailAddress sender, boolean smtpUtf8, boolean eightBitMime) {
        this.sender = sender;
        this.smtpUtf8 = smtpUtf8;
        this.eightBitMime = eightBitMime;
    }

    void discard() {
        if (buffer != null) {
            buffer.discard();
            buffer = null;
        }
    }
}
