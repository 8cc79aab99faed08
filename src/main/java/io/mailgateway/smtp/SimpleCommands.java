package io.mailgateway.smtp;

/** Commands whose whole behaviour is a reply: RSET, NOOP, QUIT, VRFY, HELP (RFC 5321 4.1.1.5-10). */
final class SimpleCommands {

    private SimpleCommands() {
    }

    static final SmtpCommand RSET = (session, args) -> {
        if (!args.isEmpty()) {
            return SmtpReplies.SYNTAX_ERROR;
        }
        session.resetTransaction();
        return SmtpReplies.OK;
    };

    static final SmtpCommand NOOP = (session, args) -> SmtpReplies.OK;

    static final SmtpCommand QUIT = (session, args) -> {
        session.resetTransaction();
        return SmtpReplies.BYE;
    };

    // RFC 5321 3.5.3: 252 when we will not verify, so address harvesting learns nothing.
    static final SmtpCommand VRFY = (session, args) -> args.isBlank() ? SmtpReplies.SYNTAX_ERROR : SmtpReplies.VRFY_CANNOT;

    static final SmtpCommand HELP = (session, args) -> SmtpReplies.HELP;

    /** Known verbs we do not offer (yet): STARTTLS and AUTH arrive with the submission issue. */
    static final SmtpCommand NOT_IMPLEMENTED = (session, args) -> SmtpReplies.NOT_IMPLEMENTED;
}
