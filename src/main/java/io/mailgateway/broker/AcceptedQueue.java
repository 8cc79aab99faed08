package io.mailgateway.broker;

import io.mailgateway.message.MailHeaders;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The last step of the inbound route ({@code to: accepted:mail.accepted}): ONE persistent send of
 * the exchange to the multicast address mail.accepted, which the broker fans out to every
 * enabled store's queue (and, through its divert, to "delivery") atomically, confirmed only after
 * its journal sync. How the send is made is decided here, per message, so the operator's route
 * file needs no choice over JMS options:
 * <ul>
 *   <li>a message with relayed recipients ({@link MailHeaders#RELAYED}) goes in a local JMS
 *       transaction: the divert's copy to "delivery" joins it, so the stores and delivery get the
 *       message together or not at all;</li>
 *   <li>a message over {@value EmbeddedBroker#STREAM_ABOVE} octets (Artemis' own large-message threshold) is
 *       streamed from its spool file into a broker large-message file, never whole in the heap.</li>
 * </ul>
 * A failed send leaves the exception on the exchange: the route fails, the client gets 451.
 */
final class AcceptedQueue implements Processor, AutoCloseable {

    // jmsMessageType=Bytes is what camel-jms would pick for the message content anyway, but only
    // after trying type conversions to File and InputStream on every send (about 3 % of
    // acceptance's CPU in a profile); naming it skips the search.
    private static final String BASE = "jms:topic:" + EmbeddedBroker.ACCEPTED_ADDRESS
            + "?deliveryPersistent=true&jmsMessageType=Bytes";
    private static final String PLAIN = BASE;
    private static final String STREAMED = BASE + "&artemisStreamingEnabled=true";
    private static final String TRANSACTED = BASE + "&transacted=true";
    private static final String TRANSACTED_STREAMED = STREAMED + "&transacted=true";

    private final SharedProducer producer = new SharedProducer();
    /** The four endpoints, resolved once: resolving a URI normalises it again on every call. */
    private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();

    @Override
    public void process(Exchange exchange) {
        String uri = uriFor(exchange);
        Endpoint endpoint = endpoints.get(uri);
        if (endpoint == null || endpoint.getCamelContext() != exchange.getContext()) {
            endpoint = exchange.getContext().getEndpoint(uri);
            endpoints.put(uri, endpoint);
        }
        producer.of(exchange.getContext()).send(endpoint, exchange);
        if (exchange.getException() == null) {
            exchange.setProperty(AcceptedComponent.DURABLE, Boolean.TRUE);
        }
    }

    @Override
    public void close() throws java.io.IOException {
        endpoints.clear(); // the context may start again with new endpoints
        producer.close();
    }

    static String uriFor(Exchange exchange) {
        boolean relayed = exchange.getIn().getHeader(MailHeaders.RELAYED) != null;
        Long size = exchange.getIn().getHeader(MailHeaders.SIZE, Long.class);
        boolean large = size != null && size > EmbeddedBroker.STREAM_ABOVE;
        return relayed ? (large ? TRANSACTED_STREAMED : TRANSACTED) : (large ? STREAMED : PLAIN);
    }
}
