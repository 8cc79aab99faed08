package io.mailgateway.smtp;

import io.mailgateway.auth.AuthReplies;
import io.mailgateway.auth.Sasl;
import io.mailgateway.auth.SaslStep;
import io.mailgateway.reply.SmtpReply;

/**
 * AUTH (RFC 4954) with PLAIN (RFC 4616) and LOGIN, offered only once TLS protects the session:
 * both send the password itself. The command walks the SASL exchange (334 challenges when the
 * client sends no initial response; {@link Sasl} decodes each line); checking the credentials is
 * the handler's job, on a worker thread ({@link SmtpSession#pendingAuth}).
 */
final class AuthCommand implements SmtpCommand {

    /** A SASL exchange waiting for the client's next line. */
    enum Stage { PLAIN, LOGIN_USER, LOGIN_PASSWORD }

    /** Credentials ready to check. */
    record Request(Sasl.Mechanism mechanism, String username, String password) {
    }

    private static final SmtpReply EMPTY_CHALLENGE = SmtpReply.of(334, null, "");
    private static final SmtpReply USERNAME = SmtpReply.of(334, null, Sasl.LOGIN_USERNAME_CHALLENGE);
    private static final SmtpReply PASSWORD = SmtpReply.of(334, null, Sasl.LOGIN_PASSWORD_CHALLENGE);

    @Override
    public SmtpReply execute(SmtpSession session, String args) {
        if (session.auth == null) {
            return SmtpReplies.NOT_IMPLEMENTED;
        }
        if (session.tls == null) {
            return AuthReplies.ENCRYPTION_REQUIRED; // RFC 4954 4: 538 for a mechanism that needs encryption
        }
        if (session.authUser != null) {
            return AuthReplies.ALREADY_AUTHENTICATED; // RFC 4954 4: one successful AUTH per session
        }
        if (session.transaction != null) {
            return SmtpReplies.TRANSACTION_IN_PROGRESS; // RFC 4954 4: not during a mail transaction
        }
        String[] parts = args.trim().split(" ", -1);
        if (parts.length > 2 || parts[0].isEmpty()) {
            return SmtpReplies.SYNTAX_ERROR;
        }
        String initial = parts.length == 2 ? parts[1] : null;
        return Sasl.Mechanism.of(parts[0])
                .map(m -> m == Sasl.Mechanism.PLAIN
                        ? follow(session, m, Sasl.plainInitial(initial))
                        : follow(session, m, Sasl.loginInitial(initial)))
                .orElse(AuthReplies.UNKNOWN_MECHANISM);
    }

    /** The client's answer to a 334 challenge. */
    static SmtpReply next(SmtpSession session, String line) {
        Stage stage = session.sasl;
        session.sasl = null;
        return switch (stage) {
            case PLAIN -> follow(session, Sasl.Mechanism.PLAIN, Sasl.plainResponse(line));
            case LOGIN_USER -> follow(session, Sasl.Mechanism.LOGIN, Sasl.loginUsername(line));
            case LOGIN_PASSWORD -> follow(session, Sasl.Mechanism.LOGIN, Sasl.loginPassword(session.loginUser, line));
        };
    }

    private static SmtpReply follow(SmtpSession session, Sasl.Mechanism mechanism, SaslStep step) {
        if (step.isRefusal()) {
            session.loginUser = null;
            return step.reply(); // "*" (cancelled), bad base64, too long, PLAIN for someone else
        }
        return switch (step.kind()) {
            case CHALLENGE -> {
                session.sasl = mechanism == Sasl.Mechanism.PLAIN ? Stage.PLAIN : Stage.LOGIN_USER;
                yield mechanism == Sasl.Mechanism.PLAIN ? EMPTY_CHALLENGE : USERNAME;
            }
            case USERNAME -> {
                session.loginUser = step.username();
                session.sasl = Stage.LOGIN_PASSWORD;
                yield PASSWORD;
            }
            case CREDENTIALS -> {
                session.loginUser = null;
                session.pendingAuth = new Request(mechanism, step.username(), step.password());
                yield null;
            }
            default -> throw new IllegalStateException("SASL step " + step.kind());
        };
    }
}
