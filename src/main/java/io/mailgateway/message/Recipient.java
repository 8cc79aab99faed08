package io.mailgateway.message;

import java.util.Map;
import java.util.TreeMap;

/**
 * One envelope recipient.
 *
 * @param received    the address as the client wrote it in RCPT TO (for logs and audit)
 * @param mailbox     the canonical mailbox
 * @param disposition where it goes: LOCAL mailbox or RELAY onward
 * @param parameters  its ESMTP parameters (e.g. ORCPT, NOTIFY of RFC 3461), upper-case keys;
 *                    a parameter without a value maps to ""
 */
public record Recipient(String received, Mailbox mailbox, Disposition disposition, Map<String, String> parameters) {

    public Recipient {
        parameters = parameters.isEmpty() ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(parameters));
    }

    public static Recipient of(Mailbox mailbox, Disposition disposition) {
        return new Recipient(mailbox.toString(), mailbox, disposition, Map.of());
    }

    public boolean isLocal() {
        return disposition == Disposition.LOCAL;
    }

    public boolean isRelayed() {
        return disposition == Disposition.RELAY;
    }

    /** The SMTP form of the canonical mailbox, e.g. for RCPT TO at the next hop. */
    public String address() {
        return mailbox.toString();
    }
}
