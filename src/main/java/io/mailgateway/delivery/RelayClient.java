package io.mailgateway.delivery;

import io.mailgateway.message.MessageContent;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Sends one message to one next hop over SMTP. The message bytes go out unchanged (dot-stuffed
 * on the wire, nothing else), with exactly the given envelope.
 *
 * <p>Never throws for remote or network failures: every outcome is a {@link RelayResult} with a
 * reply per recipient.
 */
public interface RelayClient extends AutoCloseable {

    /**
     * @param hosts   the next hop's hosts in the order to try (MX preference order, then
     *                addresses); each address keeps its host name (for TLS SNI and logs) via
     *                {@link InetSocketAddress#getHostString()}
     * @param message the message as stored (our Received: header already prepended)
     */
    RelayResult send(List<InetSocketAddress> hosts, RelayEnvelope envelope, MessageContent message);

    @Override
    void close();
}
