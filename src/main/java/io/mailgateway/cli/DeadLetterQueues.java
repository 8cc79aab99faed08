package io.mailgateway.cli;

import io.mailgateway.broker.EmbeddedBroker;
import io.mailgateway.message.MailHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.activemq.artemis.api.core.Message;

/**
 * The dead-letter queues the {@code dlq} commands look at, and where a requeue sends a message
 * back: {@code delivery.dlq} → {@code delivery}; a store's {@code store.NAME.dlq}, and
 * {@code store.dead-letters} for a message the broker dead-lettered from {@code store.NAME}
 * ({@code _AMQ_ORIG_QUEUE}) → exactly that store's queue, by its fully qualified name
 * {@code mail.accepted::store.NAME}, so the other stores (which stored the message already) do not
 * get a second copy.
 */
final class DeadLetterQueues {

    /** store.NAME.dlq, NAME as STORAGE_TYPE allows it. */
    private static final Pattern STORE_DLQ = Pattern.compile("store\\.([a-z0-9_-]+)\\.dlq");
    /** store.NAME, a store's queue on mail.accepted. */
    private static final Pattern STORE_QUEUE = Pattern.compile("store\\.[a-z0-9_-]+");

    /**
     * Properties a requeued delivery message leaves behind: a fresh first attempt, with a fresh
     * queue lifetime ({@link #restartedOnRequeue}) and so a delay warning of its own.
     */
    private static final Set<String> RESET_FOR_DELIVERY = Set.of(MailHeaders.ATTEMPTS, MailHeaders.DLQ_REASON,
            MailHeaders.LAST_ERROR, MailHeaders.NEXT_ATTEMPT_AT, MailHeaders.DELAY_WARNED, MailHeaders.REQUEUED_AT);
    /**
     * A message back in a store's queue keeps its envelope; it loses its reason and the relayed
     * count, which only the divert of mail.accepted to "delivery" reads: a fully qualified send
     * bypasses that divert anyway, and without the count no future copy could reach delivery twice.
     */
    private static final Set<String> RESET_FOR_STORE = Set.of(MailHeaders.DLQ_REASON, MailHeaders.RELAYED);

    private DeadLetterQueues() {
    }

    /** delivery.dlq, then every store.NAME.dlq the broker has (enabled stores or not), then store.dead-letters. */
    static List<String> all(QueueAdmin admin) throws Exception {
        List<String> stores = new ArrayList<>();
        boolean unsorted = false;
        for (String name : admin.queueNames()) {
            if (STORE_DLQ.matcher(name).matches()) {
                stores.add(name);
            }
            unsorted |= name.equals(EmbeddedBroker.STORE_DEAD_LETTERS);
        }
        stores.sort(null);
        List<String> all = new ArrayList<>();
        all.add(QueueCommand.DLQ);
        all.addAll(stores);
        if (unsorted) {
            all.add(EmbeddedBroker.STORE_DEAD_LETTERS);
        }
        return all;
    }

    /**
     * The queue {@code queue dlq requeue} puts a message of {@code dlq} back into: delivery for
     * delivery.dlq, store.NAME for store.NAME.dlq, and for store.dead-letters the store queue the
     * broker dead-lettered it from ({@code _AMQ_ORIG_QUEUE}; the diverts only sort new arrivals, so
     * what stayed there is requeued by that property). Null when it cannot tell.
     */
    static String requeueQueue(String dlq, Map<String, Object> message) {
        if (dlq.equals(QueueCommand.DLQ)) {
            return QueueCommand.DELIVERY;
        }
        Matcher store = STORE_DLQ.matcher(dlq);
        if (store.matches()) {
            return EmbeddedBroker.storeQueue(store.group(1));
        }
        Object original = message.get(Message.HDR_ORIGINAL_QUEUE.toString());
        boolean fromStore = dlq.equals(EmbeddedBroker.STORE_DEAD_LETTERS) && original != null
                && STORE_QUEUE.matcher(original.toString()).matches();
        return fromStore ? original.toString() : null;
    }

    /** The address a requeue sends to: a store's queue fully qualified, so no other store gets a copy. */
    static String requeueAddress(String queue) {
        return queue.equals(QueueCommand.DELIVERY) ? queue : EmbeddedBroker.ACCEPTED_ADDRESS + "::" + queue;
    }

    /** The filter selecting the messages of {@code queueId} in {@code dlq} that go back to {@code queue}. */
    static String requeueFilter(String dlq, String queueId, String queue) {
        String filter = QueueAdmin.filter(queueId);
        return dlq.equals(EmbeddedBroker.STORE_DEAD_LETTERS)
                ? filter + " AND " + Message.HDR_ORIGINAL_QUEUE + " = '" + queue + "'" : filter;
    }

    static Set<String> resetOnRequeue(String dlq) {
        return dlq.equals(QueueCommand.DLQ) ? RESET_FOR_DELIVERY : RESET_FOR_STORE;
    }

    /**
     * Properties a requeued message gets: for delivery, the time of the requeue, from which its
     * queue lifetime counts again (its MailReceivedAt stays, for the DSN's Arrival-Date). Without
     * it an expired message came back already expired: its first 4xx sent it straight back to
     * delivery.dlq, and the sender a second failure report.
     */
    static Map<String, Object> restartedOnRequeue(String dlq, long now) {
        return dlq.equals(QueueCommand.DLQ) ? Map.of(MailHeaders.REQUEUED_AT, now) : Map.of();
    }
}
