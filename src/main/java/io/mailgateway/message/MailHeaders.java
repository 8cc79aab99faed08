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
}
