package io.mailgateway.broker;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.Queue;

/**
 * Inflow control, as Postfix's {@code in_flow_delay}: when the stores fall behind acceptance, a
 * new message waits before its durable write until the deepest store queue is back under
 * STORE_BACKLOG_LIMIT, or at most IN_FLOW_DELAY, and then goes on. Without it a sustained load
 * above what the slowest store drains grows that store's queue without end (measured: the Maildir
 * queue grew by about 1,000 messages a second at 4,100 accepted/s); with it acceptance slows to
 * the stores' pace and the queue stays near the limit. The wait happens before the write, on the
 * inbound route's thread, with the client waiting for its reply: nothing accepted is held back,
 * and a message is never refused for it. A store that is down holds its queue above the limit,
 * so each message then waits the full IN_FLOW_DELAY: intake slows, the senders' queues take the
 * rest, as with Postfix.
 */
public final class StoreBacklog {

    /** How often a waiting message looks at the depth again, and how long one reading is reused. */
    private static final long POLL_MILLIS = 10;
    private static final long READING_NANOS = TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS);

    private final LongSupplier deepest;
    private final long limit;
    private final long maxDelayNanos;
    private final Timer delays;
    private volatile long reading;
    private volatile long readAt = System.nanoTime() - 2 * READING_NANOS;

    /**
     * @param deepest messages in the deepest store queue now
     * @param limit from this depth on new messages wait; 0 turns the control off
     * @param maxDelay longest wait of one message; 0 turns the control off
     */
    public StoreBacklog(LongSupplier deepest, long limit, Duration maxDelay, MeterRegistry registry) {
        this.deepest = deepest;
        this.limit = limit;
        this.maxDelayNanos = maxDelay.toNanos();
        this.delays = Timer.builder("smtp.inflow.delay")
                .description("Messages held before their durable write because a store queue was over STORE_BACKLOG_LIMIT, and how long")
                .register(registry);
    }

    /** The control of a gateway: the deepest of its stores' queues on its embedded broker. */
    public static StoreBacklog of(EmbeddedBroker broker, List<String> stores, long limit, Duration maxDelay,
            MeterRegistry registry) {
        List<SimpleString> queues = stores.stream().map(s -> SimpleString.of(EmbeddedBroker.storeQueue(s))).toList();
        return new StoreBacklog(() -> deepestOf(broker.server(), queues), limit, maxDelay, registry);
    }

    private static long deepestOf(ActiveMQServer server, List<SimpleString> queues) {
        long deepest = 0;
        if (server == null) {
            return 0;
        }
        for (SimpleString name : queues) {
            Queue queue = server.locateQueue(name);
            if (queue != null) {
                // scheduled copies are a store's retries of messages it could not store yet: they count
                deepest = Math.max(deepest, queue.getMessageCount());
            }
        }
        return deepest;
    }

    /**
     * Returns at once while the stores keep up; otherwise waits until they are back under the
     * limit or the longest delay has passed. An interrupt ends the wait (and is kept).
     *
     * @return nanoseconds waited
     */
    public long awaitRoom() {
        if (limit <= 0 || maxDelayNanos <= 0 || depth() < limit) {
            return 0;
        }
        long start = System.nanoTime();
        long deadline = start + maxDelayNanos;
        try {
            while (depth() >= limit && deadline - System.nanoTime() > 0) {
                Thread.sleep(Math.max(1, Math.min(POLL_MILLIS, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()))));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // stopping: the message goes on to its write
        }
        long waited = System.nanoTime() - start;
        delays.record(waited, TimeUnit.NANOSECONDS);
        return waited;
    }

    /** The deepest queue's depth, read at most every POLL_MILLIS whatever the message rate. */
    private long depth() {
        long now = System.nanoTime();
        if (now - readAt > READING_NANOS) {
            reading = deepest.getAsLong();
            readAt = now;
        }
        return reading;
    }
}
