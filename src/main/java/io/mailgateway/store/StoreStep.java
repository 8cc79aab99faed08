package io.mailgateway.store;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultExchange;

/**
 * A store's processor that classifies its own failures: {@link #store} does the work, and what it
 * throws leaves as a {@link PermanentStoreFailure} when {@link #isPermanent} says this message can
 * never be stored here (the route then moves it to the store's dead-letter queue), or unchanged
 * otherwise (rollback, broker redelivery). A store with its own kinds of failure (SQL states, S3
 * status codes) overrides {@link #isPermanent} and asks {@link StoreFailures} for the rest.
 *
 * <p>On a batch route ({@code storeBatch:}) the body is a {@link StoreBatch}: {@link #storeBatch}
 * marks each entry stored or failed, then the step fails with {@link StoreBatch.Incomplete} if
 * any entry failed transiently. A store that can share syncs across messages overrides it.
 */
public abstract class StoreStep implements Processor {

    private final String store;

    protected StoreStep(String store) {
        this.store = store;
    }

    @Override
    public final void process(Exchange exchange) throws Exception {
        if (exchange.getIn().getBody() instanceof StoreBatch batch) {
            storeBatch(batch, exchange);
            batch.requireNoFailure(store);
            return;
        }
        try {
            store(exchange);
        } catch (Exception e) {
            throw classified(e);
        }
    }

    /** Stores the message; returns only once it is durable in this store. */
    protected abstract void store(Exchange exchange) throws Exception;

    /**
     * Stores every pending entry and marks each; returns once the stored ones are durable. This
     * default stores them one by one, each through {@link #store} on an exchange of its own.
     */
    protected void storeBatch(StoreBatch batch, Exchange exchange) {
        for (BatchEntry entry : batch.pending()) {
            Exchange single = new DefaultExchange(exchange.getContext());
            single.setIn(entry.message());
            try {
                store(single);
                entry.stored();
            } catch (Throwable e) {
                entry.failed(classified(e));
            }
        }
    }

    /**
     * What one message's store step threw, as that message's failure. Caught per message even
     * when it is an {@link Error}: escaping, it failed the whole batch with no attempt counted,
     * so a message that throws one on every attempt came back at once, forever, with its batch.
     * A {@link StackOverflowError} is the message's own doing (content nested or folded deeper
     * than any stack; it will recur on every attempt), so permanent: the dead-letter queue keeps
     * it for an operator. Any other Error (out of memory) is transient: the broker redelivers.
     */
    protected final Exception classified(Throwable failure) {
        if (failure instanceof Exception e) {
            return classified(e);
        }
        if (failure instanceof StackOverflowError) {
            return new PermanentStoreFailure(store + ": the message is nested too deeply to store here (stack overflow)", failure);
        }
        return new IllegalStateException(store + ": " + failure, failure);
    }

    /** {@code failure} as a {@link PermanentStoreFailure} when it is permanent here, else as it is. */
    protected final Exception classified(Exception failure) {
        if (failure instanceof PermanentStoreFailure || !isPermanent(failure)) {
            return failure;
        }
        return new PermanentStoreFailure(store + ": " + StoreFailures.describe(failure), failure);
    }

    protected boolean isPermanent(Exception failure) {
        return StoreFailures.isPermanentByDefault(failure);
    }
}
