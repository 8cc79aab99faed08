package io.mailgateway.smtp;

import java.util.Optional;

/**
 * RCPT TO:&lt;path&gt; (RFC 5321 4.1.1.3). Only local domains and the domains the gateway
 * relays onward (TRANSPORT_MAP) are accepted: this listener is no open relay. Authenticated
 * relay plugs in here in a later issue.
 */
final class RcptCommand implements SmtpCommand {

    @Override
    public SmtpReply execute(SmtpSession session, String args) {
        MailTransaction tx = session.transaction;
        if (tx == null) {
            return SmtpReplies.MAIL_FIRST;
        }
        Optional<PathParser.ParsedPath> parsed = PathParser.parse(args, "TO");
        if (parsed.isEmpty() || parsed.get().address().isNull()) {
            return SmtpReplies.BAD_RECIPIENT_SYNTAX;
        }
        if (!parsed.get().parameters().isEmpty()) {
            return SmtpReplies.PARAM_NOT_RECOGNIZED; // DSN (RFC 3461) is not advertised
        }
        MailAddress recipient = parsed.get().address();
        if (parsed.get().postmaster()) {
            recipient = new MailAddress("postmaster", session.settings.primaryDomain());
        }
        if (recipient.needsSmtpUtf8() && !tx.smtpUtf8) {
            return SmtpReplies.UTF8_REQUIRED;
        }
        if (tx.recipients.size() >= session.settings.maxRecipients()) {
            return SmtpReplies.TOO_MANY_RECIPIENTS; // RFC 5321 4.5.3.1.8: 452, the client sends the rest later
        }
        if (!session.settings.isLocalDomain(recipient.domain()) && !session.settings.isRelayed(recipient)) {
            return SmtpReplies.RELAY_DENIED;
        }
        long wait = session.policy.greylist(session.admission, tx.sender.toString(), recipient.toString());
        if (wait > 0) {
            return SmtpReplies.retryIn(SmtpReplies.GREYLISTED, wait);
        }
        tx.recipients.add(recipient);
        return SmtpReplies.RECIPIENT_OK;
    }
}
