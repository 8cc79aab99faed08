package io.mailgateway.store;

import io.mailgateway.message.MailHeaders;
import io.mailgateway.metrics.SharedMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The step of {@code routes/store-errors.camel.yaml} (bean {@code storeDeadLetter}) before a message
 * a store can never store is sent to {@code store.NAME.dlq}: sets {@code MailDlqReason}, names the
 * queue in the exchange property {@value #QUEUE_PROPERTY} (the {@code toD} that follows sends
 * there), logs it once at ERROR with the queue ID, and counts it. The store is taken from the route
 * id {@code store-NAME}.
 */
public final class StoreDeadLetters implements Processor {

    /** Exchange property (not a message header, so not copied to the broker) naming the DLQ. */
    public static final String QUEUE_PROPERTY = "MailDlqQueue";
    private static final String ROUTE_PREFIX = "store-";
    private static final Logger LOG = LoggerFactory.getLogger(StoreDeadLetters.class);

    // Declared beside the code that moves it; one series per enabled store from the start, so a
    // dashboard sees 0 rather than no series until the first dead letter.
    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Counter errors;

    public StoreDeadLetters(MeterRegistry registry, List<String> stores) {
        this.registry = registry;
        this.errors = SharedMeters.errors(registry, SharedMeters.ErrorKind.STORE);
        stores.forEach(this::counter);
    }

    /** The dead-letter queue of a store, e.g. store.maildir.dlq. */
    public static String queueOf(String store) {
        return "store." + store + ".dlq";
    }

    @Override
    public void process(Exchange exchange) {
        String route = exchange.getFromRouteId();
        String store = route != null && route.startsWith(ROUTE_PREFIX) ? route.substring(ROUTE_PREFIX.length()) : String.valueOf(route);
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String reason = cause == null ? "permanent store failure" : reasonOf(cause);
        exchange.getIn().setHeader(MailHeaders.DLQ_REASON, reason);
        exchange.setProperty(QUEUE_PROPERTY, recorded(store, exchange.getIn().getHeader(MailHeaders.QUEUE_ID, String.class), reason));
    }

    /**
     * Counts and logs a dead letter of {@code store} (the batch consumer's dead letters too).
     *
     * @return the store's dead-letter queue
     */
    public String recorded(String store, String queueId, String reason) {
        String queue = queueOf(store);
        counter(store).increment();
        errors.increment();
        // Once, at ERROR: an operator has to act (fix the cause, then `queue dlq requeue ID`).
        LOG.error("{}: store {} can never store this message, moved to {}: {}", queueId, store, queue, reason);
        return queue;
    }

    private static String reasonOf(Exception cause) {
        return cause instanceof PermanentStoreFailure ? cause.getMessage() : StoreFailures.describe(cause);
    }

    private Counter counter(String store) {
        return counters.computeIfAbsent(store, s -> Counter.builder("smtp.store.dead.letters")
                .description("Messages a store could never store, moved to its dead-letter queue store.NAME.dlq")
                .tag("store", s)
                .register(registry));
    }
}
