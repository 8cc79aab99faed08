package io.mailgateway.delivery;

import io.mailgateway.broker.SharedProducer;
import io.mailgateway.message.MessageContent;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.camel.Exchange;

/**
 * The broker writes that follow a delivery attempt: the scheduled retry copy, the DSN into
 * mail.accepted and the dead letter. They go through the "jms" component on the consuming
 * thread, so Spring's listener container hands them the consumer's transacted JMS session: they
 * commit or roll back with the consumed message (ConsumerTransactionTest shows it).
 */
final class QueueSends implements AutoCloseable {

    /** Artemis' per-message delivery time (epoch ms), kept in the journal. */
    static final String SCHEDULED_DELIVERY = "_AMQ_SCHED_DELIVERY";
    /**
     * Above this size a body is streamed to the broker from its file: the JMS client's own
     * large-message threshold (Artemis' default, 100 KiB), over which the message goes as a large
     * message anyway, so reading it into the heap first would gain nothing.
     */
    static final long STREAM_ABOVE = 102_400;

    private static final String TO_DELIVERY = "jms:queue:delivery?deliveryPersistent=true";
    private static final String TO_DLQ = "jms:queue:delivery.dlq?deliveryPersistent=true";
    private static final String TO_ACCEPTED = "jms:topic:mail.accepted?deliveryPersistent=true";
    private static final String STREAMING = "&artemisStreamingEnabled=true";

    private final SharedProducer producer = new SharedProducer();

    /** Back into the queue "delivery" (a retry: set {@link #SCHEDULED_DELIVERY} in the headers). */
    void toDelivery(Exchange from, MessageContent content, Map<String, Object> headers) throws Exception {
        send(from, content.size() > STREAM_ABOVE ? TO_DELIVERY + STREAMING : TO_DELIVERY, content, headers);
    }

    void toDeadLetters(Exchange from, MessageContent content, Map<String, Object> headers) throws Exception {
        send(from, content.size() > STREAM_ABOVE ? TO_DLQ + STREAMING : TO_DLQ, content, headers);
    }

    /**
     * A new message (a DSN), accepted like mail from outside: stores, and "delivery" if relayed.
     * Since the consumer's session is transacted, the divert's copy to "delivery" joins the same
     * transaction as the stores' copies.
     */
    void toAccepted(Exchange from, byte[] message, Map<String, Object> headers) throws Exception {
        send(from, TO_ACCEPTED, message, headers);
    }

    /** The Mail* headers of the consumed message (envelope and delivery state), to carry over. */
    static Map<String, Object> mailHeaders(Exchange exchange) {
        Map<String, Object> headers = new HashMap<>();
        exchange.getIn().getHeaders().forEach((k, v) -> {
            if (k.startsWith("Mail") && v != null) {
                headers.put(k, v);
            }
        });
        return headers;
    }

    private void send(Exchange from, String uri, Object body, Map<String, Object> headers) throws Exception {
        Exchange sent = producer.of(from.getContext()).send(uri, ex -> {
            ex.getIn().setBody(body);
            ex.getIn().setHeaders(headers);
        });
        if (sent.getException() != null) {
            throw sent.getException();
        }
    }

    @Override
    public void close() throws IOException {
        producer.close();
    }
}
