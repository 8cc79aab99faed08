package io.mailgateway.policy;

import io.mailgateway.smtp.SmtpReply;

/**
 * Thrown by a policy step of the inbound route to refuse a message with a reply of its own
 * (550 5.7.1 for a DMARC reject, 451 4.4.3 for a DNS failure it must not guess through). The
 * SMTP listener answers the client with {@link #reply()} instead of its generic 451 4.3.0, and
 * since the route stopped before the broker send, nothing is stored.
 */
public class PolicyRejection extends Exception {

    private final transient SmtpReply reply;

    public PolicyRejection(SmtpReply reply, String reason) {
        super(reason, null, false, false); // an expected outcome, not a fault: no stack trace
        this.reply = reply;
    }

    public SmtpReply reply() {
        return reply;
    }
}
