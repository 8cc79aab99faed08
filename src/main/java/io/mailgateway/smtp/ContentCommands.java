package io.mailgateway.smtp;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    /** BDAT's size and what follows it: "n", "n LAST", or anything else after the digits. */
    private static final Pattern BDAT_ARGS = Pattern.compile("([0-9]+)(.*)", Pattern.DOTALL);
    private static final Pattern LAST = Pattern.compile("( +LAST)? *", Pattern.CASE_INSENSITIVE);

    /**
     * BDAT n [LAST]. The chunk is always read, even when refused (RFC 3030 2), so the reply
     * comes once its n octets have arrived: this returns null and the handler replies then. That
     * holds for a command refused for its syntax too, as soon as it starts with a size: otherwise
     * the chunk's octets would be read as commands ("BDAT 30\tLAST" and 30 octets of RCPT TO).
     * Only a BDAT without a size leaves nothing to read. A size past 18 digits is read as the
     * largest there is: far over any message size limit, so the chunk is discarded as it comes.
     */
    static final SmtpCommand BDAT = (session, args) -> {
        Matcher m = BDAT_ARGS.matcher(args.stripLeading());
        if (!m.matches()) {
            return SmtpReplies.SYNTAX_ERROR;
        }
        boolean wellFormed = LAST.matcher(m.group(2)).matches();
        if (!wellFormed && session.transaction != null && session.transaction.buffer != null) {
            session.resetTransaction(); // a chunk of the message is lost: it cannot be completed
        }
        session.chunkSize = octets(m.group(1));
        session.chunkLast = !m.group(2).isBlank();
        session.receiving = SmtpSession.Receiving.CHUNK;
        MailTransaction tx = session.transaction;
        if (!wellFormed) {
            session.chunkError = SmtpReplies.SYNTAX_ERROR;
        } else if (!session.esmtp) {
            session.chunkError = SmtpReplies.BDAT_NEEDS_EHLO; // RFC 5321 2.2.1: extensions only after EHLO
        } else if (tx == null) {
            session.chunkError = SmtpReplies.MAIL_FIRST;
        } else if (tx.recipients.isEmpty()) {
            session.chunkError = SmtpReplies.NO_VALID_RECIPIENTS;
        } else if (tx.buffer == null) {
            tx.bdatStarted = true;
            tx.buffer = session.newBuffer();
        }
        return null;
    };

    /**
     * A size in octets as BDAT's chunk-size (RFC 3030: 1*DIGIT) and MAIL's SIZE (RFC 1870:
     * 1*20DIGIT) write it: leading zeros allowed; past 18 significant digits, the largest there is.
     */
    static long octets(String digits) {
        String significant = digits.replaceFirst("^0+(?=.)", "");
        return significant.length() > 18 ? Long.MAX_VALUE : Long.parseLong(significant);
    }
}
