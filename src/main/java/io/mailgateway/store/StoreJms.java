package io.mailgateway.store;

import jakarta.jms.ConnectionFactory;
import org.apache.camel.component.jms.JmsComponent;

/**
 * The JMS component every store route consumes with, bound as {@code storeJms}, so a store route
 * says only {@code from: "storeJms:queue:mail.accepted::store.NAME"} and inherits:
 * <ul>
 *   <li>a transacted session (and no Spring transaction manager): the broker forgets the message
 *       only when the route ends without error, after the store's durable write;</li>
 *   <li>one cached consumer per thread, {@code STORE_CONSUMERS} threads;</li>
 *   <li>Artemis streaming: a large body arrives as a stream that Camel spools to disk
 *       (SPOOL_THRESHOLD), never whole in the heap.</li>
 * </ul>
 * It shares the connection factory of the {@code jms} component on purpose: Spring's listener
 * container exposes the consumer's transacted session under that factory, so a send through
 * {@code jms:} on the consumer's thread (the dead-letter send of routes/store-errors.camel.yaml)
 * joins the consumer's transaction: the dead letter and the ack commit together or not at all.
 */
public final class StoreJms {

    private StoreJms() {
    }

    public static JmsComponent component(ConnectionFactory sharedWithJms, int consumers) {
        JmsComponent jms = JmsComponent.jmsComponent(sharedWithJms);
        jms.setTransacted(true);
        jms.setLazyCreateTransactionManager(false);
        jms.setCacheLevelName("CACHE_CONSUMER");
        jms.setConcurrentConsumers(consumers);
        jms.setArtemisStreamingEnabled(true);
        return jms;
    }
}
