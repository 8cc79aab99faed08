package io.mailgateway.smtp;

import io.mailgateway.message.Disposition;
import io.mailgateway.message.Mailbox;
import io.mailgateway.message.MailboxNames;
import io.mailgateway.message.Recipient;
import io.mailgateway.policy.Verdict;
import io.mailgateway.reply.SmtpReply;
import java.util.Map;
import java.util.Optional;

/**
 * RCPT TO:&lt;path&gt; (RFC 5321 4.1.1.3). Each recipient is routed here, once: LOCAL (a mailbox
 * of a local domain) or RELAY (a domain the gateway relays onward); any other domain is refused,
 * so this listener is no open relay. A local part no later stage could serve is refused now
 * (553 5.1.3, {@link MailboxNames}) rather than accepted and failed later.
 * An authenticated client (AUTH) may also send to any other domain: RELAY, through delivery.
 */
final class RcptCommand implements SmtpCommand {

    @Override
    public SmtpReply execute(SmtpSession session, String args) {
        MailTransaction tx = session.transaction;
        if (tx == null) {
            return SmtpReplies.MAIL_FIRST;
        }
        Optional<PathParser.ParsedPath> parsed = PathParser.parse(args, "TO");
        if (parsed.isEmpty() || (!parsed.get().postmaster() && parsed.get().address().isNull()) || PathParser.notUtf8(args)) {
            return SmtpReplies.BAD_RECIPIENT_SYNTAX;
        }
        if (!parsed.get().parameters().isEmpty()) {
            return SmtpReplies.PARAM_NOT_RECOGNIZED; // DSN (RFC 3461) is not advertised
        }
        Mailbox recipient = parsed.get().postmaster()
                ? new Mailbox("postmaster", session.settings.primaryDomain())
                : parsed.get().address();
        if (recipient.needsSmtpUtf8() && !tx.smtpUtf8) {
            return SmtpReplies.UTF8_REQUIRED;
        }
        if (tx.recipients.size() >= session.settings.maxRecipients()) {
            return SmtpReplies.TOO_MANY_RECIPIENTS; // RFC 5321 4.5.3.1.8: 452, the client sends the rest later
        }
        Optional<Disposition> disposition = session.settings.router().dispositionOf(recipient);
        if (disposition.isEmpty() && session.authUser != null) {
            disposition = Optional.of(Disposition.RELAY); // RFC 6409: an authenticated user may send anywhere
        }
        if (disposition.isEmpty()) {
            return SmtpReplies.RELAY_DENIED;
        }
        if (disposition.get() == Disposition.RELAY && !session.relayQueue) {
            return SmtpReplies.RELAY_DISABLED; // QUEUE_ENABLED=false: nothing could ever send it on
        }
        if (disposition.get() == Disposition.RELAY && session.authUser == null && MailboxNames.routesOnward(recipient)) {
            // user%elsewhere@relayed or elsewhere!user@relayed: a next hop that honours the percent
            // or bang hack (RFC 2505 2.9) would relay it for anyone, through us (Postfix:
            // allow_untrusted_routing=no)
            return SmtpReplies.RELAY_DENIED;
        }
        if (!MailboxNames.acceptable(recipient, disposition.get())) {
            return SmtpReplies.BAD_MAILBOX_NAME;
        }
        if (tx.hasRecipient(recipient)) {
            return SmtpReplies.RECIPIENT_OK; // the same mailbox twice ("bob" and bob): one copy
        }
        Recipient routed = new Recipient(parsed.get().written(), recipient, disposition.get(), Map.of());
        Verdict verdict = session.policy.rcpt(session.connection, tx.sender, routed); // e.g. greylisting
        if (verdict.refuses()) {
            return verdict.reply();
        }
        tx.recipients.add(routed);
        return SmtpReplies.RECIPIENT_OK;
    }
}
