package io.mailgateway.smtp.camel;

import io.mailgateway.message.MessageContent;
import java.io.IOException;
import java.io.InputStream;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Processor;

/**
 * Chooses how the message body travels to the broker. Up to {@code inlineLimit} octets it
 * becomes a byte array: one ordinary journal record, the cheapest durable write. Larger
 * messages stay a {@link MessageContent} that the JMS producer streams (artemisStreamingEnabled)
 * from the spool file into a broker large-message file, so they are never whole in the heap.
 */
public class BrokerPayload implements Processor {

    private final long inlineLimit;

    public BrokerPayload(long inlineLimit) {
        this.inlineLimit = inlineLimit;
    }

    @Override
    public void process(Exchange exchange) throws InvalidPayloadException, IOException {
        MessageContent content = exchange.getIn().getMandatoryBody(MessageContent.class);
        if (content.size() <= inlineLimit) {
            try (InputStream in = content.openStream()) {
                exchange.getIn().setBody(in.readAllBytes());
            }
        }
    }
}
