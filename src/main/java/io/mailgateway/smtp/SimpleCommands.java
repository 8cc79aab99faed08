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

    /**
     * RFC 3207 4: STARTTLS takes no argument, is refused once TLS is on and (like Postfix) inside
     * a transaction; otherwise 220, and the handler starts the handshake right after the reply.
     */
    static final SmtpCommand STARTTLS = (session, args) -> {
        if (!session.tlsOffered && session.tls == null) {
            return SmtpReplies.NOT_IMPLEMENTED;
        }
        if (!args.isEmpty()) {
            return SmtpReplies.SYNTAX_ERROR;
        }
        if (session.tls != null) {
            return SmtpReplies.ALREADY_TLS;
        }
        if (session.transaction != null) {
            return SmtpReplies.TRANSACTION_IN_PROGRESS;
        }
        session.startTlsPending = true;
        return SmtpReplies.READY_TO_START_TLS;
    };

    /** Known verbs we do not offer (yet): AUTH arrives with the submission issue. */
    static final SmtpCommand NOT_IMPLEMENTED = (session, args) -> SmtpReplies.NOT_IMPLEMENTED;
}
