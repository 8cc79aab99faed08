package io.mailgateway.message;

/**
 * Names of the Camel headers (and so JMS properties in the broker) that carry the envelope
 * ({@link #ENVELOPE}) and the other facts of a message from the SMTP listener to every later route. JMS property names
 * must be Java identifiers, hence no dots or dashes.
 */
public final class MailHeaders {

    private MailHeaders() {
    }

    /** The ID given in "250 2.0.0 Ok: queued as ID"; the same in logs and stores. */
    public static final String QUEUE_ID = "MailQueueId";
    /**
     * The envelope (sender, recipients with their disposition, client facts) as one JSON
     * document: read and written only through {@link EnvelopeCodec}.
     */
    public static final String ENVELOPE = "MailEnvelope";
    /**
     * Number of recipients relayed onward, absent when none: the broker's divert copies a message
     * into the queue "delivery" when it is set ({@link EnvelopeCodec#write} keeps it in step).
     */
    public static final String RELAYED = "MailRelayed";
    /** RFC 3848 "with" keyword: SMTP, ESMTP, UTF8SMTP, later ESMTPS/ESMTPA... */
    public static final String PROTOCOL = "MailProtocol";
    /** {@link #PROTOCOL} of mail the gateway writes itself (DSNs, delay warnings): DKIM-signed like submitted mail. */
    public static final String PROTOCOL_LOCAL = "local";
    /** Epoch milliseconds at end of data. */
    public static final String RECEIVED_AT = "MailReceivedAt";
    /** Size in octets of the message as received, before headers the gateway adds. */
    public static final String SIZE = "MailSize";

    // ---- delivery (relay) contract: properties of messages in the broker queue "delivery" ----

    /** Delivery attempts made so far (0 on the first try). */
    public static final String ATTEMPTS = "MailAttempts";
    /** The last temporary error of a delivery attempt, as an SMTP reply or a short reason. */
    public static final String LAST_ERROR = "MailLastError";
    /** Epoch milliseconds of the next delivery attempt (mirrors the broker's scheduled time). */
    public static final String NEXT_ATTEMPT_AT = "MailNextAttemptAt";

    /**
     * Why a message is in the dead-letter queue "delivery.dlq": permanent failure, retries
     * exhausted, expired, or any of these for a null-sender message (not bounced). The
     * per-recipient replies are in {@link #LAST_ERROR}; the envelope's relayed recipients are
     * those that were not delivered.
     */
    public static final String DLQ_REASON = "MailDlqReason";
    /**
     * Epoch milliseconds an operator requeued the message from delivery.dlq ({@code queue dlq
     * requeue}): its queue lifetime (QUEUE_MAX_AGE) and its delay warning count from then, so a
     * requeued message that meets a 4xx is retried, not expired again at once.
     */
    public static final String REQUEUED_AT = "MailRequeuedAt";
    /** "true" once the sender got a delay warning (Action: delayed) for this message: sent once only. */
    public static final String DELAY_WARNED = "MailDelayWarned";

    /** "true" once route delivery's dkimSign step signed the message: a retry's copy is not signed again. */
    public static final String DKIM_SIGNED = "MailDkimSigned";

    // ---- policy contract ----

    /** The Authentication-Results header value (RFC 8601) the policy steps produced. */
    public static final String AUTH_RESULTS = "MailAuthResults";
    /** "true" when DMARC (or an operator rule) says quarantine: stores flag the message. */
    public static final String QUARANTINE = "MailQuarantine";
    /** The spam score the spamCheck step gave (e.g. "8.50"), absent when it did not score the message. */
    public static final String SPAM_SCORE = "MailSpamScore";
    /** The spamCheck step's verdict on a stored message: clean, spam (quarantined) or unscanned. */
    public static final String SPAM_VERDICT = "MailSpamVerdict";
}
