package io.mailgateway.delivery;

import java.util.List;

/**
 * Which recipients the gateway relays onward, and to which next hop. Asked twice: by the SMTP
 * session at RCPT (a relayed domain is accepted, not refused as relay access denied) and by the
 * delivery route at each attempt (recipients grouped per next hop, one SMTP transaction each).
 */
public interface Router {

    /** Whether mail for this recipient address goes through the delivery queue. */
    boolean relays(String recipient);

    /**
     * Groups recipients per next hop, keeping their order. A hop that cannot be resolved now
     * (DNS temperror) comes back as a group with a {@link HopGroup#failure()} reply.
     */
    List<HopGroup> route(List<String> recipients);
}
