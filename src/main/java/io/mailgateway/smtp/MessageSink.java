package io.mailgateway.smtp;

import io.mailgateway.reply.SmtpReply;
import java.util.concurrent.CompletionStage;

/**
 * Where the SMTP listener hands each complete message. The returned stage completes with the
 * reply for the client only once the message is durable (250) or definitely not accepted
 * (4xx/5xx); the listener sends that reply as it is. The sink releases the content when done.
 */
@FunctionalInterface
public interface MessageSink {

    CompletionStage<SmtpReply> accept(ReceivedMessage message);
}
