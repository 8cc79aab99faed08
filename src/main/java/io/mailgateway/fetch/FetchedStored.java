package io.mailgateway.fetch;

import io.mailgateway.broker.AcceptedComponent;
import io.mailgateway.message.Envelope;
import io.mailgateway.message.EnvelopeCodec;
import io.mailgateway.message.MailHeaders;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Route step {@code fetchedStored}, last of a fetch route, right after {@code to: accepted:mail.accepted}:
 * camel-mail deletes (or flags) the message at its source when the exchange completes without an
 * error. This step makes a route that lost its broker write fail instead, so the message stays
 * at the source: the fetch route's form of the listener's "250 only after the durable write".
 */
public final class FetchedStored implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(FetchedStored.class);

    @Override
    public void process(Exchange exchange) {
        if (!Boolean.TRUE.equals(exchange.getProperty(AcceptedComponent.DURABLE, Boolean.class))) {
            throw new IllegalStateException(exchange.getIn().getHeader(MailHeaders.QUEUE_ID, String.class) + ": route "
                    + exchange.getFromRouteId() + " reached its end without the broker write (to: accepted:mail.accepted);"
                    + " the message stays at its source");
        }
        if (LOG.isInfoEnabled()) {
            Envelope envelope = EnvelopeCodec.read(exchange.getIn());
            LOG.info("{}: fetched by route {} from={} to={} size={}: queued; removed at the source next",
                    exchange.getIn().getHeader(MailHeaders.QUEUE_ID), exchange.getFromRouteId(), "<" + envelope.sender() + ">",
                    "<" + envelope.recipients().get(0).address() + ">", exchange.getIn().getHeader(MailHeaders.SIZE));
        }
    }
}
