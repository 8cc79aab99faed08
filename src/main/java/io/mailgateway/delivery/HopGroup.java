package io.mailgateway.delivery;

import java.net.InetSocketAddress;
import io.mailgateway.message.Mailbox;
import java.util.List;

/**
 * The recipients of one message that go to the same next hop, in one SMTP transaction.
 *
 * @param hop        the next hop's name, for logs and the DSN's Remote-MTA
 * @param hosts      the hosts to try, in order
 * @param recipients the recipients for this hop
 * @param failure    null, or the reply every recipient of the group gets without a connection
 *                   (e.g. a 4xx for a DNS temperror, a 5xx for a domain with no mail host)
 */
public record HopGroup(String hop, List<InetSocketAddress> hosts, List<Mailbox> recipients, RemoteReply failure) {

    public HopGroup {
        hosts = List.copyOf(hosts);
        recipients = List.copyOf(recipients);
    }
}
