package io.mailgateway.delivery;

import java.util.Map;

/**
 * The outcome of one transaction with a next hop, per recipient: the RCPT reply for a refused
 * recipient, else the reply to the end of data; a made-up 4xx reply for every recipient when no
 * host of the next hop could be reached or the connection broke before the final reply.
 *
 * @param recipients every recipient of the envelope, in envelope order, with its final reply
 * @param host       the host that gave the replies (or the last one tried), for logs and DSNs
 */
public record RelayResult(Map<String, RemoteReply> recipients, String host) {

    public RelayResult {
        recipients = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(recipients));
    }
}
