package io.mailgateway.message;

/** Where a recipient's copy goes, decided once at RCPT. */
public enum Disposition {
    /** A mailbox of a local domain: the mailbox stores (Maildir) write it. */
    LOCAL,
    /** Relayed onward through the broker queue "delivery" (transport map, MX). */
    RELAY
}
