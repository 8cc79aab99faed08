package io.mailgateway.auth;

import io.mailgateway.reply.EnhancedStatus;
import io.mailgateway.reply.SmtpReply;

/**
 * The replies of AUTH and of the rules that follow from it, for the session to send: RFC 4954
 * 4 and 6 for the codes, RFC 3463 and RFC 5248 for the enhanced statuses. Text stays generic
 * (which part of the credentials was wrong is in the audit log, never on the wire).
 */
public final class AuthReplies {

    /** RFC 4954 6: authentication succeeded. */
    public static final SmtpReply SUCCEEDED = SmtpReply.of(235, EnhancedStatus.of(2, 7, 0), "Authentication successful");
    /** RFC 4954 6: name or password wrong (or the account disabled). */
    public static final SmtpReply INVALID_CREDENTIALS = SmtpReply.of(535, EnhancedStatus.of(5, 7, 8), "Authentication credentials invalid");
    /** RFC 4954 6: the users database is down. */
    public static final SmtpReply TEMPORARY_FAILURE = SmtpReply.of(454, EnhancedStatus.of(4, 7, 0), "Temporary authentication failure");
    /** Too many failures: the 421 4.7.0, then the connection closes. */
    public static final SmtpReply BLOCKED = SmtpReply.of(421, EnhancedStatus.of(4, 7, 0),
            "Too many failed authentication attempts, try again later").thenClose();
    /** RFC 4954 4: the client cancelled with "*". */
    public static final SmtpReply CANCELLED = SmtpReply.of(501, EnhancedStatus.of(5, 0, 0), "Authentication cancelled");
    /** RFC 4954 4: a response that is not Base64 (or not the mechanism's shape). */
    public static final SmtpReply CANNOT_DECODE = SmtpReply.of(501, EnhancedStatus.of(5, 5, 2), "Cannot decode response");
    /** RFC 4954 4: a mechanism we do not offer. */
    public static final SmtpReply UNKNOWN_MECHANISM = SmtpReply.of(504, EnhancedStatus.of(5, 5, 4), "Unrecognized authentication type");
    /** RFC 4954 4: AUTH after a successful AUTH, or during a mail transaction. */
    public static final SmtpReply ALREADY_AUTHENTICATED = SmtpReply.of(503, EnhancedStatus.of(5, 5, 1), "Already authenticated");
    /** RFC 4954 6: AUTH without TLS (we offer it only under TLS). */
    public static final SmtpReply ENCRYPTION_REQUIRED = SmtpReply.of(538, EnhancedStatus.of(5, 7, 11),
            "Encryption required for requested authentication mechanism");
    /** RFC 4954 6: MAIL on the submission port before AUTH. */
    public static final SmtpReply AUTH_REQUIRED = SmtpReply.of(530, EnhancedStatus.of(5, 7, 0), "Authentication required");
    /** The envelope sender is not one of the logged-in user's addresses (Postfix's reply for the same rule). */
    public static final SmtpReply SENDER_NOT_OWNED = SmtpReply.of(553, EnhancedStatus.of(5, 7, 1),
            "Sender address not owned by the authenticated user");
    /** RFC 4954 4: a response line longer than we accept (500 5.5.6, RFC 5248's "authentication exchange line too long"). */
    public static final SmtpReply LINE_TOO_LONG = SmtpReply.of(500, EnhancedStatus.of(5, 5, 6), "Authentication exchange line is too long");

    private AuthReplies() {
    }
}
