package io.mailgateway.smtp;

import io.mailgateway.policy.Connection;
import io.mailgateway.policy.Verdict;
import io.mailgateway.reply.SmtpReply;
import java.util.ArrayList;
import java.util.List;

/** EHLO and HELO (RFC 5321 4.1.1.1). Both reset any transaction (4.1.4). */
final class HelloCommands {

    private HelloCommands() {
    }

    static final SmtpCommand EHLO = (session, args) -> {
        if (args.isBlank()) {
            return SmtpReplies.SYNTAX_ERROR;
        }
        SmtpReply refusal = greet(session, args.trim(), true);
        if (refusal != null) {
            return refusal;
        }
        SmtpServerSettings s = session.settings;
        List<String> lines = new ArrayList<>(List.of(
                s.hostname(),
                "PIPELINING",
                "SIZE " + s.maxMessageSize(),
                "8BITMIME",
                "ENHANCEDSTATUSCODES",
                "CHUNKING",
                "SMTPUTF8"));
        if (session.tlsOffered && session.tls == null) {
            lines.add("STARTTLS");
        }
        if (session.auth != null && session.tls != null && session.authUser == null) {
            lines.add("AUTH PLAIN LOGIN"); // RFC 4954: both send the password, so only under TLS
        }
        // No enhanced codes on EHLO lines: clients read the keywords right after "250-".
        return new SmtpReply(250, null, lines, false);
    };

    static final SmtpCommand HELO = (session, args) -> {
        if (args.isBlank()) {
            return SmtpReplies.SYNTAX_ERROR;
        }
        SmtpReply refusal = greet(session, args.trim(), false);
        if (refusal != null) {
            return refusal;
        }
        return new SmtpReply(250, null, List.of(session.settings.hostname()), false);
    };

    /** Runs the HELO checks; a refused name leaves the session as it was. @return the refusal, or null */
    private static SmtpReply greet(SmtpSession session, String name, boolean esmtp) {
        Connection client = session.connection.withHelo(name);
        Verdict verdict = session.policy.helo(client);
        if (verdict.refuses()) {
            return verdict.reply();
        }
        session.resetTransaction(); // RFC 5321 4.1.4: an accepted EHLO/HELO ends any transaction
        session.connection = client;
        session.helo = name;
        session.esmtp = esmtp;
        return null;
    }
}
