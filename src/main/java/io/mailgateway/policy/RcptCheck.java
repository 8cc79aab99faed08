package io.mailgateway.policy;

import io.mailgateway.message.Mailbox;
import io.mailgateway.message.Recipient;

/**
 * A check of one recipient at RCPT TO (RFC 5321 4.1.1.3), after the gateway routed it (LOCAL or
 * RELAY); a refusal is the reply to that RCPT and the transaction goes on with the others.
 */
public interface RcptCheck {

    Verdict onRcpt(Connection client, Mailbox sender, Recipient recipient);
}
