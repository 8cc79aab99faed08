package io.mailgateway.store;

import io.mailgateway.broker.AdminCredentials;
import io.mailgateway.config.Capability;
import io.mailgateway.config.GatewayConfig;
import io.mailgateway.config.Wiring;
import io.micrometer.core.instrument.MeterRegistry;
import io.mailgateway.store.batch.StoreBatchComponent;
import jakarta.jms.ConnectionFactory;

/**
 * What every store route shares: "storeBatch", the batch consumer (one broker transaction and one
 * exchange per batch of up to STORAGE_BATCH_SIZE messages, {@link StoreBatchComponent}), and
 * "storeJms", the per-message consumer
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
        StoreDeadLetters deadLetters = wiring.bind("storeDeadLetter", new StoreDeadLetters(registry, wiring.config().storageTypes()));
        StoreFailureCounter failures = wiring.bind("storeFailure", new StoreFailureCounter(registry));
        GatewayConfig config = wiring.config();
        wiring.bind("storeBatch", new StoreBatchComponent(wiring.lookup("brokerCredentials", AdminCredentials.class),
                config.getInt("STORE_CONSUMERS"), config.getInt("STORAGE_BATCH_SIZE"), config.duration("STORE_BATCH_WAIT").toMillis(),
                config.dataDir().resolve("spool"), deadLetters, failures, config.getInt("STORE_NICE")));
        wiring.bind("envelopeFields", new EnvelopeFields());
    }
}
