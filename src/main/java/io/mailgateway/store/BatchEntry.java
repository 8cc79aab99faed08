package io.mailgateway.store;

import org.apache.camel.Message;

/**
 * One message of a {@link StoreBatch}: its headers and body as a Camel {@link Message} (the
 * envelope headers a store route sees today, the body as bytes or, for a large message, a spool
 * file), and what became of it. A store marks each entry it handled; the consumer acknowledges
 * the stored and dead-lettered ones in one broker transaction and returns the failed ones.
 *
 * <p>Lifecycle: pending → stored | deadLetter(reason) | failed(cause). An entry left pending
 * by a route that ended without error counts as stored, as a storeJms route's message does.
 */
public final class BatchEntry {

    /** What became of the entry. */
    public enum Outcome { PENDING, STORED, DEAD_LETTER, FAILED }

    private final Message message;
    private volatile Outcome outcome = Outcome.PENDING;
    private volatile Exception failure;

    public BatchEntry(Message message) {
        this.message = message;
    }

    public Message message() {
        return message;
    }

    public Outcome outcome() {
        return outcome;
    }

    /** The cause of a failure or the reason of a dead letter; null otherwise. */
    public Exception failure() {
        return failure;
    }

    public boolean isPending() {
        return outcome == Outcome.PENDING;
    }

    /** Durable in this store: may be acknowledged. */
    public void stored() {
        outcome = Outcome.STORED;
    }

    /**
     * Not stored: a {@link PermanentStoreFailure} sends it to the store's dead-letter queue (in
     * the transaction of the acks); any other exception leaves it to the broker's redelivery.
     */
    public void failed(Exception cause) {
        failure = cause;
        outcome = cause instanceof PermanentStoreFailure ? Outcome.DEAD_LETTER : Outcome.FAILED;
    }
}
