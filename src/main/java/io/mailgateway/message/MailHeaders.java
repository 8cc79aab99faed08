package io.mailgateway.message;

/**
 * Names of the Camel headers (and so JMS properties in the broker) that carry the envelope and
 * session facts of a message from the SMTP listener to every later route. JMS property names
 * must be Java identifiers, hence no dots or dashes.
 */
public final class MailHeaders {

    private MailHeaders() {
    }

    /** The ID given in "250 2.0.0 Ok: queued as ID"; the same in logs and stores. */
    public static final String QUEUE_ID = "MailQueueId";
    /** Envelope sender (MAIL FROM), empty for the null sender {@code <>}. */
    public static final String FROM = "MailFrom";
    /** Envelope recipients (RCPT TO), comma separated, in the order given. */
    public static final String RECIPIENTS = "MailRecipients";
    public static final String CLIENT_ADDRESS = "MailClientAddress";
    public static final String HELO = "MailHelo";
    /** RFC 3848 "with" keyword: SMTP, ESMTP, UTF8SMTP, later ESMTPS/ESMTPA... */
    public static final String PROTOCOL = "MailProtocol";
    /** Epoch milliseconds at end of data. */
    public static final String RECEIVED_AT = "MailReceivedAt";
    /** Size in octets of the message as received, before headers the gateway adds. */
    public static final String SIZE = "MailSize";
    /** Whether TLS protected the session (STARTTLS comes in a later issue). */
    public static final String TLS = "MailTls";
    /** Authenticated identity, if any (AUTH comes in a later issue). */
    public static final String AUTH_USER = "MailAuthUser";

    // ---- delivery (relay) contract: properties of messages in the broker queue "delivery" ----

    /** Recipients still to relay onward (comma separated); set at acceptance for relayed domains. */
    public static final String RELAY_RECIPIENTS = "MailRelayRecipients";
    /** Delivery attempts made so far (0 on the first try). */
    public static final String ATTEMPTS = "MailAttempts";
    /** The last temporary error of a delivery attempt, as an SMTP reply or a short reason. */
    public static final String LAST_ERROR = "MailLastError";
    /** Epoch milliseconds of the next delivery attempt (mirrors the broker's scheduled time). */
    public static final String NEXT_ATTEMPT_AT = "MailNextAttemptAt";

    /**
     * Why a message is in the dead-letter queue "delivery.dlq": permanent failure, retries
     * exhausted, expired, or any of these for a null-sender message (not bounced). The
     * per-recipient replies are in {@link #LAST_ERROR}, {@link #RELAY_RECIPIENTS} names the
     * recipients that were not delivered.
     */
    public static final String DLQ_REASON = "MailDlqReason";
    /** "true" once the sender got a delay warning (Action: delayed) for this message: sent once only. */
    public static final String DELAY_WARNED = "MailDelayWarned";

    // ---- policy contract ----

    /** The Authentication-Results header value (RFC 8601) the policy steps produced. */
    public static final String AUTH_RESULTS = "MailAuthResults";
    /** "true" when DMARC (or an operator rule) says quarantine: stores flag the message. */
    public static final String QUARANTINE = "MailQuarantine";
}
