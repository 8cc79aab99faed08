package io.mailgateway.smtp;

import java.util.Locale;

/** DATA (RFC 5321 4.1.1.4) and BDAT (RFC 3030): the two ways content arrives. */
final class ContentCommands {

    private ContentCommands() {
    }

    static final SmtpCommand DATA = (session, args) -> {
        if (!args.isEmpty()) {
            return SmtpReplies.SYNTAX_ERROR;
        }
        MailTransaction tx = session.transaction;
        if (tx == null) {
            return SmtpReplies.MAIL_FIRST;
        }
        if (tx.bdatStarted) {
            return SmtpReplies.DATA_AFTER_BDAT;
        }
        if (tx.recipients.isEmpty()) {
            return SmtpReplies.NO_VALID_RECIPIENTS;
        }
        tx.buffer = session.newBuffer();
        session.receiving = SmtpSession.Receiving.DATA;
        return SmtpReplies.START_MAIL_INPUT;
    };

    /**
     * BDAT n [LAST]. The chunk is always read, even when refused (RFC 3030 2), so the reply
     * comes once its n octets have arrived: this returns null and the handler replies then.
     */
    static final SmtpCommand BDAT = (session, args) -> {
        String[] parts = args.trim().split(" +");
        if (args.isBlank() || parts.length > 2 || !parts[0].matches("[0-9]{1,18}")
                || (parts.length == 2 && !parts[1].toUpperCase(Locale.ROOT).equals("LAST"))) {
            return SmtpReplies.SYNTAX_ERROR;
        }
        session.chunkSize = Long.parseLong(parts[0]);
        session.chunkLast = parts.length == 2;
        session.receiving = SmtpSession.Receiving.CHUNK;
        MailTransaction tx = session.transaction;
        if (tx == null) {
            session.chunkError = SmtpReplies.MAIL_FIRST;
        } else if (tx.recipients.isEmpty()) {
            session.chunkError = SmtpReplies.NO_VALID_RECIPIENTS;
        } else if (tx.buffer == null) {
            tx.bdatStarted = true;
            tx.buffer = session.newBuffer();
        }
        return null;
    };
}
