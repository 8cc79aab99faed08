package io.mailgateway.delivery;

import java.util.List;

/**
 * What one SMTP transaction to a next hop carries.
 *
 * @param queueId    our queue ID (for logs; the client does not send it)
 * @param mailFrom   the envelope sender, empty for the null sender {@code <>}
 * @param recipients the recipients for this next hop, all in one transaction
 * @param size       the message size in octets (for the SIZE= parameter)
 */
public record RelayEnvelope(String queueId, String mailFrom, List<String> recipients, long size) {

    public RelayEnvelope {
        recipients = List.copyOf(recipients);
    }
}
