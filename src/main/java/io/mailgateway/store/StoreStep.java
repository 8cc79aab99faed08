package io.mailgateway.store;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * A store's processor that classifies its own failures: {@link #store} does the work, and what it
 * throws leaves as a {@link PermanentStoreFailure} when {@link #isPermanent} says this message can
 * never be stored here (the route then moves it to the store's dead-letter queue), or unchanged
 * otherwise (rollback, broker redelivery). A store with its own kinds of failure (SQL states, S3
 * status codes) overrides {@link #isPermanent} and asks {@link StoreFailures} for the rest.
 */
public abstract class StoreStep implements Processor {

    private final String store;

    protected StoreStep(String store) {
        this.store = store;
    }

    @Override
    public final void process(Exchange exchange) throws Exception {
        try {
            store(exchange);
        } catch (PermanentStoreFailure e) {
            throw e;
        } catch (Exception e) {
            if (isPermanent(e)) {
                throw new PermanentStoreFailure(store + ": " + StoreFailures.describe(e), e);
            }
            throw e;
        }
    }

    /** Stores the message; returns only once it is durable in this store. */
    protected abstract void store(Exchange exchange) throws Exception;

    protected boolean isPermanent(Exception failure) {
        return StoreFailures.isPermanentByDefault(failure);
    }
}
