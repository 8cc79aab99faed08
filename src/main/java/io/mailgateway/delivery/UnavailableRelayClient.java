package io.mailgateway.delivery;

import io.mailgateway.message.MessageContent;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The relay client of a build without one: every recipient gets a temporary failure, so relayed
 * mail waits in the delivery queue (and is retried on schedule) instead of being lost. The SMTP
 * client of the relay work replaces it in {@link RelayClients}.
 */
final class UnavailableRelayClient implements RelayClient {

    @Override
    public RelayResult send(List<InetSocketAddress> hosts, RelayEnvelope envelope, MessageContent message) {
        Map<String, RemoteReply> replies = new LinkedHashMap<>();
        envelope.recipients().forEach(r -> replies.put(r, new RemoteReply(451, "4.3.0 No SMTP client for relaying in this build")));
        return new RelayResult(replies, hosts.isEmpty() ? "(none)" : hosts.get(0).getHostString());
    }

    @Override
    public void close() {
    }
}
