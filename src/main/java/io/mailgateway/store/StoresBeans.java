package io.mailgateway.store;

import io.mailgateway.config.Capability;
import io.mailgateway.config.Wiring;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.jms.ConnectionFactory;

/**
 * What every store route shares: "storeJms", the consumer they all read their queue with
 * (transacted, STORE_CONSUMERS consumers, large bodies streamed; on the connection factory of
 * "jms", so dead-letter sends join the consumer's transaction), and "storeDeadLetter", the step
 * of routes/store-errors.camel.yaml that moves a message a store can never store to its DLQ;
 * "envelopeFields", the envelope as plain headers for an operator's own store route.
 * Each store's own beans come from its {@link StoreBeans}.
 */
public final class StoresBeans implements Capability {

    @Override
    public void bind(Wiring wiring) {
        ConnectionFactory connections = wiring.lookup("jmsConnections", ConnectionFactory.class);
        wiring.bind("storeJms", StoreJms.component(connections, wiring.config().getInt("STORE_CONSUMERS")));
        MeterRegistry registry = wiring.lookup("metricsRegistry", MeterRegistry.class);
        wiring.bind("storeDeadLetter", new StoreDeadLetters(registry, wiring.config().storageTypes()));
        wiring.bind("storeFailure", new StoreFailureCounter(registry));
        wiring.bind("envelopeFields", new EnvelopeFields());
    }
}
