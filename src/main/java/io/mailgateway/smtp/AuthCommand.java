package io.mailgateway.smtp;

import io.mailgateway.reply.SmtpReply;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * AUTH (RFC 4954) with PLAIN (RFC 4616) and LOGIN (draft-murchison-sasl-login), offered only
 * once TLS protects the session: both send the password itself. The command collects the
 * credentials, over 334 challenges when the client sends no initial response; checking them
 * is the handler's job, on a worker thread ({@link SmtpSession#pendingAuth}).
 */
final class AuthCommand implements SmtpCommand {

    /** A SASL exchange waiting for the client's next line. */
    enum Stage { PLAIN, LOGIN_USER, LOGIN_PASSWORD }

    /** Credentials ready to check. */
    record Request(String mechanism, String username, String password) {
    }

    // LOGIN's challenges are the base64 of "Username:" and "Password:"
    private static final SmtpReply USERNAME = SmtpReply.of(334, null, "VXNlcm5hbWU6");
    private static final SmtpReply PASSWORD = SmtpReply.of(334, null, "UGFzc3dvcmQ6");
    private static final SmtpReply EMPTY_CHALLENGE = SmtpReply.of(334, null, "");

    @Override
    public SmtpReply execute(SmtpSession session, String args) {
        if (session.authenticator == null) {
            return SmtpReplies.NOT_IMPLEMENTED;
        }
        if (session.tls == null) {
            return SmtpReplies.AUTH_NEEDS_TLS; // RFC 4954 4: 538 for a mechanism that needs encryption
        }
        if (session.authUser != null) {
            return SmtpReplies.ALREADY_AUTHENTICATED; // RFC 4954 4: one successful AUTH per session
        }
        if (session.transaction != null) {
            return SmtpReplies.TRANSACTION_IN_PROGRESS; // RFC 4954 4: not during a mail transaction
        }
        String[] parts = args.trim().split(" ", -1);
        if (parts.length > 2 || parts[0].isEmpty()) {
            return SmtpReplies.SYNTAX_ERROR;
        }
        String initial = parts.length == 2 ? parts[1] : null;
        switch (parts[0].toUpperCase(Locale.ROOT)) {
            case "PLAIN" -> {
                if (initial == null) {
                    session.sasl = Stage.PLAIN;
                    return EMPTY_CHALLENGE;
                }
                return plain(session, initial);
            }
            case "LOGIN" -> {
                if (initial == null) {
                    session.sasl = Stage.LOGIN_USER;
                    return USERNAME;
                }
                return loginUser(session, initial);
            }
            default -> {
                return SmtpReplies.AUTH_MECHANISM_UNKNOWN;
            }
        }
    }

    /** The client's answer to a 334 challenge. */
    static SmtpReply next(SmtpSession session, String line) {
        Stage stage = session.sasl;
        session.sasl = null;
        if (line.equals("*")) {
            return SmtpReplies.AUTH_CANCELLED; // RFC 4954 4: the client gives up
        }
        return switch (stage) {
            case PLAIN -> plain(session, line);
            case LOGIN_USER -> loginUser(session, line);
            case LOGIN_PASSWORD -> {
                String password = decode(line);
                if (password == null) {
                    yield SmtpReplies.AUTH_BAD_RESPONSE;
                }
                session.pendingAuth = new Request("LOGIN", session.loginUser, password);
                session.loginUser = null;
                yield null;
            }
        };
    }

    /** RFC 4616 2: [authzid] NUL authcid NUL passwd; we act for nobody else, so authzid is empty or the user. */
    private static SmtpReply plain(SmtpSession session, String response) {
        String decoded = decode(response);
        if (decoded == null) {
            return SmtpReplies.AUTH_BAD_RESPONSE;
        }
        String[] fields = decoded.split("\0", -1);
        if (fields.length != 3 || fields[1].isEmpty() || (!fields[0].isEmpty() && !fields[0].equals(fields[1]))) {
            return SmtpReplies.AUTH_FAILED;
        }
        session.pendingAuth = new Request("PLAIN", fields[1], fields[2]);
        return null;
    }

    private static SmtpReply loginUser(SmtpSession session, String response) {
        String user = decode(response);
        if (user == null || user.isEmpty()) {
            return SmtpReplies.AUTH_BAD_RESPONSE;
        }
        session.loginUser = user;
        session.sasl = Stage.LOGIN_PASSWORD;
        return PASSWORD;
    }

    /** Strict base64 (RFC 4954 4: "=" is an empty response); null when it is not base64 or not UTF-8. */
    private static String decode(String response) {
        if (response.equals("=")) {
            return "";
        }
        try {
            byte[] bytes = Base64.getDecoder().decode(response);
            var decoder = StandardCharsets.UTF_8.newDecoder();
            return decoder.decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (IllegalArgumentException | java.nio.charset.CharacterCodingException e) {
            return null;
        }
    }
}
