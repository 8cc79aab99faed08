package io.mailgateway.cli;

import io.mailgateway.broker.EmbeddedBroker;
import io.mailgateway.message.MailHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The dead-letter queues the {@code dlq} commands look at, and where a requeue sends a message
 * back: {@code delivery.dlq} → {@code delivery}; a store's {@code store.NAME.dlq} → exactly that
 * store's queue, by its fully qualified name {@code mail.accepted::store.NAME}, so the other stores
 * (which stored the message already) do not get a second copy.
 */
final class DeadLetterQueues {

    /** store.NAME.dlq, NAME as STORAGE_TYPE allows it. */
    private static final Pattern STORE_DLQ = Pattern.compile("store\\.([a-z0-9_-]+)\\.dlq");

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

    static boolean isStore(String queue) {
        return STORE_DLQ.matcher(queue).matches();
    }

    /** Where {@code queue dlq requeue} puts a message of {@code dlq}; null when it cannot tell. */
    static String requeueTarget(String dlq) {
        if (dlq.equals(QueueCommand.DLQ)) {
            return QueueCommand.DELIVERY;
        }
        Matcher store = STORE_DLQ.matcher(dlq);
        return store.matches() ? EmbeddedBroker.ACCEPTED_ADDRESS + "::" + EmbeddedBroker.storeQueue(store.group(1)) : null;
    }

    static Set<String> resetOnRequeue(String dlq) {
        return isStore(dlq) ? RESET_FOR_STORE : RESET_FOR_DELIVERY;
    }

    /**
     * Properties a requeued message gets: for delivery, the time of the requeue, from which its
     * queue lifetime counts again (its MailReceivedAt stays, for the DSN's Arrival-Date). Without
     * it an expired message came back already expired: its first 4xx sent it straight back to
     * delivery.dlq, and the sender a second failure report.
     */
    static Map<String, Object> restartedOnRequeue(String dlq, long now) {
        return isStore(dlq) ? Map.of() : Map.of(MailHeaders.REQUEUED_AT, now);
    }
}
