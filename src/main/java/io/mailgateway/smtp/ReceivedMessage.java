package io.mailgateway.smtp;

import io.mailgateway.message.Envelope;
import io.mailgateway.message.MessageContent;

/**
 * A message at end of data with its envelope (recipients routed at RCPT, the client's facts),
 * handed to a {@link MessageSink}.
 *
 * @param protocol   RFC 3848 "with" keyword for the Received header (ESMTP, UTF8SMTP, ...)
 * @param receivedAt epoch milliseconds at end of data
 */
public record ReceivedMessage(String queueId, Envelope envelope, String protocol, long receivedAt, MessageContent content) {
}
