package io.mailgateway.broker;

import io.mailgateway.message.MailHeaders;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.Queue;

/**
 * {@code smtp_queue_size{queue}} and {@code smtp_queue_oldest_age_seconds{queue}} for the queues
 * an operator watches: delivery and its DLQ, every enabled store's queue and DLQ, and
 * store.dead-letters. All registered at start, so an empty queue reads 0 rather than vanishing.
 *
 * <p>The size counts every message the broker holds for the queue, scheduled retries included.
 * The age is that of the mail, not of the broker message: a retry's copy is a new broker message,
 * but it carries the time we received the mail ({@link MailHeaders#RECEIVED_AT}). It looks at the
 * head of the queue and at every scheduled retry (bounded by the queue; computed at most every
 * few seconds, whatever the scrape rate).
 */
public final class QueueGauges {

    private static final long CACHE_NANOS = 5_000_000_000L;

    private final EmbeddedBroker broker;
    private final Map<String, long[]> ages = new ConcurrentHashMap<>(); // queue -> {computedAtNanos, ageMillis}

    private QueueGauges(EmbeddedBroker broker) {
        this.broker = broker;
    }

    /** The queues watched for these stores. */
    public static List<String> queues(List<String> stores) {
        List<String> queues = new ArrayList<>(List.of("delivery", "delivery.dlq"));
        for (String store : stores) {
            queues.add(EmbeddedBroker.storeQueue(store));
            queues.add(EmbeddedBroker.storeDeadLetterQueue(store));
        }
        queues.add("store.dead-letters");
        return queues;
    }

    public static void register(MeterRegistry registry, EmbeddedBroker broker, List<String> stores) {
        QueueGauges gauges = new QueueGauges(broker);
        for (String queue : queues(stores)) {
            Gauge.builder("smtp.queue.size", gauges, g -> g.size(queue))
                    .description("Messages held for the queue, scheduled retries included").tag("queue", queue).strongReference(true).register(registry);
            Gauge.builder("smtp.queue.oldest.age", gauges, g -> g.oldestAgeSeconds(queue)).baseUnit("seconds")
                    .description("Age of the oldest mail in the queue since we received it; 0 when empty")
                    .tag("queue", queue).strongReference(true).register(registry);
        }
    }

    private Queue locate(String name) {
        ActiveMQServer server = broker.server();
        return server == null ? null : server.locateQueue(SimpleString.of(name));
    }

    private double size(String name) {
        Queue queue = locate(name);
        return queue == null ? 0 : queue.getMessageCount();
    }

    private double oldestAgeSeconds(String name) {
        long now = System.nanoTime();
        long[] cached = ages.get(name);
        if (cached == null || now - cached[0] > CACHE_NANOS) {
            cached = new long[] {now, oldestAgeMillis(locate(name))};
            ages.put(name, cached);
        }
        return cached[1] / 1000.0;
    }

    private static long oldestAgeMillis(Queue queue) {
        if (queue == null || queue.getMessageCount() == 0) {
            return 0;
        }
        long oldest = Long.MAX_VALUE;
        MessageReference head = queue.peekFirstMessage();
        if (head != null) {
            oldest = receivedAt(head.getMessage());
        }
        if (queue.getDeliveringCount() > 0) {
            // The head skips what consumers hold: a stuck store or relay holds the oldest mail,
            // which is the very thing this gauge is watched for.
            for (java.util.List<MessageReference> held : queue.getDeliveringMessages().values()) {
                for (MessageReference ref : held) {
                    oldest = Math.min(oldest, receivedAt(ref.getMessage()));
                }
            }
        }
        if (queue.getScheduledCount() > 0) {
            for (MessageReference ref : queue.getScheduledMessages()) {
                oldest = Math.min(oldest, receivedAt(ref.getMessage()));
            }
        }
        return oldest == Long.MAX_VALUE ? 0 : Math.max(0, System.currentTimeMillis() - oldest);
    }

    private static long receivedAt(Message message) {
        Object at = message.getObjectProperty(SimpleString.of(MailHeaders.RECEIVED_AT));
        if (at instanceof Number n) {
            return n.longValue();
        }
        if (at != null) {
            try {
                return Long.parseLong(at.toString());
            } catch (NumberFormatException e) {
                // not ours: fall back to the broker's timestamp
            }
        }
        return message.getTimestamp();
    }
}
