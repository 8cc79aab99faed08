package io.mailgateway.policy.limits;

import static io.mailgateway.reply.EnhancedStatus.of;

import io.mailgateway.reply.SmtpReply;

/**
 * The replies of the connection limits (docs/policy.md). All temporary: a real MTA keeps the
 * message and retries (RFC 5321 4.5.4.1). Where the wait is known, {@link SmtpReply#retryIn}
 * turns "try again later" into "try again in N seconds".
 */
public final class LimitReplies {

    private LimitReplies() {
    }

    // at connect, instead of the greeting (RFC 5321 3.1), then close
    public static final SmtpReply TOO_MANY_CONNECTIONS = SmtpReply.of(421, of(4, 7, 0), "Too many connections, try again later").thenClose();
    public static final SmtpReply TOO_MANY_CONNECTIONS_FROM_CLIENT = SmtpReply.of(421, of(4, 7, 0), "Too many connections from your address, try again later").thenClose();
    public static final SmtpReply CONNECTION_RATE_LIMITED = SmtpReply.of(421, of(4, 7, 0), "Rate limit exceeded, try again later").thenClose();
    // at MAIL FROM and RCPT TO; the session goes on
    public static final SmtpReply MESSAGE_RATE_LIMITED = SmtpReply.of(450, of(4, 7, 1), "Rate limit exceeded, try again later");
    public static final SmtpReply GREYLISTED = SmtpReply.of(451, of(4, 7, 1), "Greylisted, try again later");
    // at MAIL FROM while DATA_DIR is (nearly) full: RFC 5321 4.5.3.1.10, RFC 3463 X.3.1 mail system full
    public static final SmtpReply STORAGE_FULL = SmtpReply.of(452, of(4, 3, 1), "Insufficient system storage, try again later");
}
