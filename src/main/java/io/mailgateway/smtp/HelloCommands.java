package io.mailgateway.smtp;

import java.util.List;

/** EHLO and HELO (RFC 5321 4.1.1.1). Both reset any transaction (4.1.4). */
final class HelloCommands {

    private HelloCommands() {
    }

    static final SmtpCommand EHLO = (session, args) -> {
        if (args.isBlank()) {
            return SmtpReplies.SYNTAX_ERROR;
        }
        greet(session, args.trim(), true);
        SmtpServerSettings s = session.settings;
        // No enhanced codes on EHLO lines: clients read the keywords right after "250-".
        return new SmtpReply(250, null, List.of(
                s.hostname(),
                "PIPELINING",
                "SIZE " + s.maxMessageSize(),
                "8BITMIME",
                "ENHANCEDSTATUSCODES",
                "CHUNKING",
                "SMTPUTF8"), false);
    };

    static final SmtpCommand HELO = (session, args) -> {
        if (args.isBlank()) {
            return SmtpReplies.SYNTAX_ERROR;
        }
        greet(session, args.trim(), false);
        return new SmtpReply(250, null, List.of(session.settings.hostname()), false);
    };

    private static void greet(SmtpSession session, String name, boolean esmtp) {
        session.resetTransaction();
        session.helo = name;
        session.esmtp = esmtp;
    }
}
