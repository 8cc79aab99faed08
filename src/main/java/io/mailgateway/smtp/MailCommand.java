package io.mailgateway.smtp;

import io.mailgateway.auth.AuthReplies;
import io.mailgateway.message.Mailbox;
import io.mailgateway.policy.Verdict;
import io.mailgateway.reply.SmtpReply;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** MAIL FROM:&lt;path&gt; [SIZE=n] [BODY=7BIT|8BITMIME] [SMTPUTF8] (RFC 5321 4.1.1.2, 1870, 6152, 6531). */
final class MailCommand implements SmtpCommand {

    @Override
    public SmtpReply execute(SmtpSession session, String args) {
        if (session.helo == null) {
            return SmtpReplies.HELLO_FIRST;
        }
        if (session.transaction != null) {
            return SmtpReplies.NESTED_MAIL;
        }
        if (session.authRequired && session.authUser == null) {
            return AuthReplies.AUTH_REQUIRED; // RFC 6409 4.3, RFC 4954 6
        }
        Optional<PathParser.ParsedPath> parsed = PathParser.parse(args, "FROM");
        if (parsed.isEmpty() || parsed.get().postmaster() || PathParser.notUtf8(args)) {
            return SmtpReplies.BAD_SENDER_SYNTAX;
        }
        if (!parsed.get().parameters().isEmpty() && !session.esmtp) {
            return SmtpReplies.PARAM_NOT_RECOGNIZED; // parameters need EHLO
        }
        boolean smtpUtf8 = false;
        Map<String, String> kept = new LinkedHashMap<>();
        for (String param : parsed.get().parameters()) {
            int eq = param.indexOf('=');
            String key = (eq < 0 ? param : param.substring(0, eq)).toUpperCase(Locale.ROOT);
            String value = eq < 0 ? null : param.substring(eq + 1);
            switch (key) {
                case "SIZE" -> {
                    // RFC 1870 6: refuse a declared size over the limit at once.
                    if (value == null || !value.matches("[0-9]{1,20}")) {
                        return SmtpReplies.SYNTAX_ERROR;
                    }
                    if (ContentCommands.octets(value) > session.settings.maxMessageSize()) {
                        return SmtpReplies.MESSAGE_TOO_BIG;
                    }
                }
                case "BODY" -> {
                    if (value == null) {
                        return SmtpReplies.SYNTAX_ERROR;
                    }
                    String body = value.toUpperCase(Locale.ROOT);
                    if (!body.equals("7BIT") && !body.equals("8BITMIME")) {
                        return SmtpReplies.SYNTAX_ERROR;
                    }
                    kept.put("BODY", body);
                }
                case "SMTPUTF8" -> {
                    if (value != null) {
                        return SmtpReplies.SYNTAX_ERROR;
                    }
                    smtpUtf8 = true;
                    kept.put("SMTPUTF8", "");
                }
                case "AUTH" -> {
                    // RFC 4954 5: AUTH=<identity> is only for trusted relays passing on who submitted
                    // the message; we trust no one's claim, so it is accepted only when AUTH is offered
                    // here, and dropped (the session's own AUTH is what counts).
                    if (session.auth == null || value == null || value.isEmpty()) {
                        return SmtpReplies.PARAM_NOT_RECOGNIZED;
                    }
                }
                default -> {
                    return SmtpReplies.PARAM_NOT_RECOGNIZED;
                }
            }
        }
        Mailbox sender = parsed.get().address();
        if (sender.needsSmtpUtf8() && !smtpUtf8) {
            return SmtpReplies.UTF8_REQUIRED;
        }
        if (session.user != null && !session.auth.senders().maySendAs(session.user, sender)) {
            return AuthReplies.SENDER_NOT_OWNED; // RFC 6409 8.1: no forging another user's address
        }
        // MAIL checks (e.g. the message rate limit) refuse before the client sends any data.
        Verdict verdict = session.policy.mail(session.connection, sender);
        if (verdict.refuses()) {
            return verdict.reply();
        }
        session.transaction = new MailTransaction(sender, kept, smtpUtf8);
        return SmtpReplies.SENDER_OK;
    }
}
