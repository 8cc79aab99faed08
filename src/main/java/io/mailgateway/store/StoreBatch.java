package io.mailgateway.store;

import io.mailgateway.message.MailHeaders;
import java.util.List;

/**
 * The body of a batch store route's exchange ({@code from: "storeBatch:store.NAME"}): the messages
 * one consumer took from its store queue in one broker transaction, in queue order. The store
 * makes them durable with shared syncs and marks each {@link BatchEntry}.
 */
public record StoreBatch(List<BatchEntry> entries) {

    /** The entries nobody marked yet. */
    public List<BatchEntry> pending() {
        return entries.stream().filter(BatchEntry::isPending).toList();
    }

    /** The queue IDs of the batch, comma-separated, for a route's log step: {@code ${body.queueIds()}}. */
    public String queueIds() {
        return String.join(",", entries.stream().map(e -> e.message().getHeader(MailHeaders.QUEUE_ID, String.class)).toList());
    }

    /**
     * Thrown at the end of a store step when some entries failed transiently: the route fails
     * (counted like any store failure) and the consumer acknowledges only the others.
     */
    public static final class Incomplete extends Exception {
        public Incomplete(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** @throws Incomplete when an entry failed transiently */
    public void requireNoFailure(String store) throws Incomplete {
        List<BatchEntry> failed = entries.stream().filter(e -> e.outcome() == BatchEntry.Outcome.FAILED).toList();
        if (!failed.isEmpty()) {
            throw new Incomplete(store + ": " + failed.size() + " of " + entries.size()
                    + " messages not stored, the broker redelivers them: " + StoreFailures.describe(failed.get(0).failure()),
                    failed.get(0).failure());
        }
    }
}
