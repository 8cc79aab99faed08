package io.mailgateway.policy;

import io.mailgateway.message.Envelope;
import io.mailgateway.message.MessageContent;
import java.util.List;

/**
 * What a {@link DataCheck} sees: one message at end of data, as the client sent it.
 *
 * @param queueId  the ID the client will be told ("queued as ID"), for log lines
 * @param envelope sender, recipients and client facts
 * @param content  the message; {@link MessageContent#openReceived()} reads it as received
 * @param results  authentication results of the checks that ran before this one
 */
public record EndOfData(String queueId, Envelope envelope, MessageContent content, List<AuthResult> results) {

    public EndOfData {
        results = List.copyOf(results);
    }

    /** The earlier results of one method (e.g. "spf"), in order. */
    public List<AuthResult> results(String method) {
        return results.stream().filter(r -> r.method().equals(method)).toList();
    }
}
