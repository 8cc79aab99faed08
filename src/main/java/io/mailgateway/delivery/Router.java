package io.mailgateway.delivery;

import io.mailgateway.message.Mailbox;
import io.mailgateway.message.RecipientRouter;
import java.util.List;

/**
 * Which recipients the gateway takes, and for relayed ones, the next hop. Asked by the SMTP
 * session at RCPT ({@link #dispositionOf}: LOCAL, RELAY or refused) and by the delivery route at
 * each attempt (recipients grouped per next hop, one SMTP transaction each).
 */
public interface Router extends RecipientRouter {

    /**
     * Groups recipients per next hop, keeping their order. A hop that cannot be resolved now
     * (DNS temperror) comes back as a group with a {@link HopGroup#failure()} reply.
     */
    List<HopGroup> route(List<Mailbox> recipients);
}
