package io.mailgateway.policy;

import io.mailgateway.message.Mailbox;

/** A check at MAIL FROM (RFC 5321 4.1.1.2), before any recipient or data; a refusal is the reply to MAIL. */
public interface MailCheck {

    /** @param sender the reverse-path, {@link Mailbox#NULL} for {@code <>} */
    Verdict onMail(Connection client, Mailbox sender);
}
