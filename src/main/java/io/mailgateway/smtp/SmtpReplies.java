package io.mailgateway.smtp;

import static io.mailgateway.reply.EnhancedStatus.of;

import io.mailgateway.reply.SmtpReply;

/**
 * Every reply of the SMTP protocol itself, in one place (RFC 5321 codes, RFC 3463 enhanced
 * codes). Policy replies (limits, greylisting, DMARC) live with the policy that gives them
 * ({@code policy.limits.LimitReplies}, {@code policy.dmarc.DmarcReplies}) and reach the session
 * in a {@code policy.Verdict}.
 */
public final class SmtpReplies {

    private SmtpReplies() {
    }

    // 2xx
    public static final SmtpReply OK = SmtpReply.of(250, of(2, 0, 0), "Ok");
    public static final SmtpReply SENDER_OK = SmtpReply.of(250, of(2, 1, 0), "Sender ok");
    public static final SmtpReply RECIPIENT_OK = SmtpReply.of(250, of(2, 1, 5), "Recipient ok");
    public static final SmtpReply QUEUED = SmtpReply.of(250, of(2, 0, 0), "Ok: queued");
    public static final SmtpReply CHUNK_RECEIVED = SmtpReply.of(250, of(2, 0, 0), "Chunk received");
    public static final SmtpReply VRFY_CANNOT = SmtpReply.of(252, of(2, 5, 0),
            "Cannot VRFY user, but will accept message and attempt delivery");
    public static final SmtpReply HELP = SmtpReply.of(214, of(2, 0, 0),
            "Commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP");
    public static final SmtpReply BYE = SmtpReply.of(221, of(2, 0, 0), "Bye").thenClose();

    // RFC 3207 4: the client starts the TLS handshake after this
    public static final SmtpReply READY_TO_START_TLS = SmtpReply.of(220, of(2, 0, 0), "Ready to start TLS");

    // 3xx (RFC 2034 gives no enhanced code to intermediate replies)
    public static final SmtpReply START_MAIL_INPUT = SmtpReply.of(354, null, "End data with <CR><LF>.<CR><LF>");

    // 4xx
    public static final SmtpReply SHUTTING_DOWN = SmtpReply.of(421, of(4, 3, 2), "Service shutting down, try again later").thenClose();
    public static final SmtpReply IDLE_TIMEOUT = SmtpReply.of(421, of(4, 4, 2), "Idle timeout, closing connection").thenClose();
    // RFC 5321 4.5.3.2.7: the server timeout while a command or mail transaction is in progress (CONNECTION_TIMEOUT)
    public static final SmtpReply TRANSACTION_TIMEOUT = SmtpReply.of(421, of(4, 4, 2), "Timeout waiting for client input during mail transaction, closing connection").thenClose();
    public static final SmtpReply SESSION_TIMEOUT = SmtpReply.of(421, of(4, 4, 2), "Session too long, closing connection").thenClose();
    public static final SmtpReply TOO_MANY_ERRORS = SmtpReply.of(421, of(4, 7, 0), "Too many errors, closing connection").thenClose();
    public static final SmtpReply TOO_MANY_RECIPIENTS = SmtpReply.of(452, of(4, 5, 3), "Too many recipients");
    /** RFC 5321 3.8: a server that closes the connection on its own answers 421. */
    public static final SmtpReply SESSION_FAILED = SmtpReply.of(421, of(4, 3, 0), "Internal error, closing connection, try again later").thenClose();
    public static final SmtpReply QUEUE_FAILED = SmtpReply.of(451, of(4, 3, 0), "Temporary failure, message not accepted, try again later");

    // 5xx: syntax and sequence
    public static final SmtpReply UNKNOWN_COMMAND = SmtpReply.of(500, of(5, 5, 2), "Command not recognized");
    public static final SmtpReply LINE_TOO_LONG = SmtpReply.of(500, of(5, 5, 2), "Line too long");
    public static final SmtpReply SYNTAX_ERROR = SmtpReply.of(501, of(5, 5, 4), "Syntax error in parameters or arguments");
    public static final SmtpReply NUL_IN_COMMAND = SmtpReply.of(501, of(5, 5, 2), "NUL character not allowed");
    public static final SmtpReply BAD_SENDER_SYNTAX = SmtpReply.of(501, of(5, 1, 7), "Bad sender address syntax");
    public static final SmtpReply BAD_RECIPIENT_SYNTAX = SmtpReply.of(501, of(5, 1, 3), "Bad recipient address syntax");
    public static final SmtpReply NOT_IMPLEMENTED = SmtpReply.of(502, of(5, 5, 1), "Command not implemented");
    public static final SmtpReply HELLO_FIRST = SmtpReply.of(503, of(5, 5, 1), "Send EHLO or HELO first");
    public static final SmtpReply MAIL_FIRST = SmtpReply.of(503, of(5, 5, 1), "Need MAIL command first");
    public static final SmtpReply NESTED_MAIL = SmtpReply.of(503, of(5, 5, 1), "Sender already specified");
    public static final SmtpReply RCPT_FIRST = SmtpReply.of(503, of(5, 5, 1), "Need RCPT command first");
    public static final SmtpReply NO_VALID_RECIPIENTS = SmtpReply.of(554, of(5, 5, 1), "No valid recipients");
    public static final SmtpReply DATA_AFTER_BDAT = SmtpReply.of(503, of(5, 5, 1), "DATA not allowed after BDAT");
    public static final SmtpReply BDAT_NEEDS_EHLO = SmtpReply.of(503, of(5, 5, 1), "BDAT needs EHLO");
    public static final SmtpReply PARAM_NOT_RECOGNIZED = SmtpReply.of(555, of(5, 5, 4), "MAIL or RCPT parameter not recognized");
    public static final SmtpReply ALREADY_TLS = SmtpReply.of(503, of(5, 5, 1), "TLS already active");
    public static final SmtpReply TRANSACTION_IN_PROGRESS = SmtpReply.of(503, of(5, 5, 1), "Not allowed during a mail transaction");
    public static final SmtpReply EARLY_TALKER = SmtpReply.of(554, of(5, 5, 1), "Protocol error: input before greeting").thenClose();

    // 5xx: policy and content
    public static final SmtpReply RELAY_DENIED = SmtpReply.of(550, of(5, 7, 1), "Relay access denied");
    /**
     * QUEUE_ENABLED=false: a recipient we would relay, on a gateway that keeps no delivery queue.
     * Permanent, not 451 4.3.2: it is this gateway's configuration, not a passing state, and a
     * 4xx would have the sender retry for days (RFC 5321 4.2.1) to the same answer. X.7.1
     * (RFC 3463: delivery not authorized) is what relay refusals carry; local mail still goes in.
     */
    public static final SmtpReply RELAY_DISABLED = SmtpReply.of(550, of(5, 7, 1), "Relaying disabled: this server keeps no delivery queue");
    /** A syntactically valid local part that names no mailbox the gateway can serve (message.MailboxNames). */
    public static final SmtpReply BAD_MAILBOX_NAME = SmtpReply.of(553, of(5, 1, 3), "Mailbox name not allowed");
    public static final SmtpReply UTF8_REQUIRED = SmtpReply.of(553, of(5, 6, 7), "Address needs SMTPUTF8");
    public static final SmtpReply MESSAGE_TOO_BIG = SmtpReply.of(552, of(5, 3, 4), "Message size exceeds fixed limit");

}
