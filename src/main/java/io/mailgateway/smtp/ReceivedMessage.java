package io.mailgateway.smtp;

import io.mailgateway.message.MessageContent;
import java.util.List;

/**
 * A message at end of data with its envelope and the facts of the session it came in on,
 * handed to a {@link MessageSink}.
 */
public record ReceivedMessage(
        String queueId,
        MailAddress sender,
        List<MailAddress> recipients,
        String helo,
        String clientAddress,
        String protocol,
        boolean tls,
        String authUser,
        long receivedAt,
        MessageContent content) {
}
