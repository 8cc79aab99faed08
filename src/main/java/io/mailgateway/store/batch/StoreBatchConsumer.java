package io.mailgateway.store.batch;

import io.mailgateway.broker.EmbeddedBroker;
import io.mailgateway.message.MailHeaders;
import io.mailgateway.store.BackgroundPriority;
import io.mailgateway.store.BatchEntry;
import io.mailgateway.store.StoreBatch;
import io.mailgateway.store.StoreDeadLetters;
import java.io.File;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientConsumer;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientProducer;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for a store: each of STORE_CONSUMERS threads holds one transacted core session on
 * the in-VM broker and loops: take up to STORAGE_BATCH_SIZE messages (waiting at most
 * STORE_BATCH_WAIT after the first), route them as ONE exchange (body: {@link StoreBatch}), in which
 * the store makes them durable with shared syncs, then settle the batch in ONE transaction: the
 * acks of the stored messages and the dead-letter sends (with their acks) of those the store can
 * never store commit together, one journal sync for the batch. Messages that failed transiently
 * are then rolled back, and the broker redelivers them after its redelivery delay; the stores
 * skip on redelivery what an earlier attempt made durable. A route that fails otherwise rolls
 * the whole batch back. No message is acknowledged before the store marked it durable.
 *
 * <p>Lifecycle: sessions open when the route starts; a stop lets the batch in hand finish.
 */
final class StoreBatchConsumer extends DefaultConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(StoreBatchConsumer.class);
    /** How long a receive waits for the first message before it checks whether the route stops. */
    private static final long POLL_MS = 500;
    private static final long RECONNECT_MS = 1_000;

    private record Received(ClientMessage message, BatchEntry entry) {
    }

    private final String queue;
    private final String store;
    private final StoreBatchComponent.Settings settings;
    private volatile boolean running;
    private ServerLocator locator;
    private ClientSessionFactory sessions;
    private ExecutorService threads;
    private final AtomicInteger writers = new AtomicInteger();

    StoreBatchConsumer(Endpoint endpoint, Processor processor, String queue, StoreBatchComponent.Settings settings) {
        super(endpoint, processor);
        this.queue = queue;
        this.store = queue.substring("store.".length());
        this.settings = settings;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        locator = ActiveMQClient.createServerLocator(EmbeddedBroker.IN_VM_URL);
        sessions = locator.createSessionFactory();
        running = true;
        threads = getEndpoint().getCamelContext().getExecutorServiceManager()
                .newFixedThreadPool(this, "storeBatch-" + store, settings.consumers());
        for (int i = 0; i < settings.consumers(); i++) {
            threads.execute(this::consumeUntilStopped);
        }
    }

    @Override
    protected void doStop() throws Exception {
        running = false;
        if (threads != null) {
            threads.shutdown();
            threads.awaitTermination(60, TimeUnit.SECONDS); // the batches in hand finish
            getEndpoint().getCamelContext().getExecutorServiceManager().shutdownNow(threads);
        }
        if (sessions != null) {
            sessions.close();
        }
        if (locator != null) {
            locator.close();
        }
        super.doStop();
    }

    /**
     * The loop of one consumer. The store's own work (its files, its SQL) runs on a writer thread
     * of this consumer's at STORE_NICE, so it yields the CPU to acceptance ({@link BackgroundPriority});
     * this thread, which talks to the broker, stays at the gateway's priority. Why two threads: a
     * new thread inherits the nice value of the thread that starts it, and the broker starts its
     * pool threads (which serve acceptance too) from whichever thread first gives them work.
     */
    private void consumeUntilStopped() {
        String name = "store-" + store + "-" + writers.incrementAndGet();
        ExecutorService writer = Executors.newSingleThreadExecutor(task -> new Thread(() -> {
            BackgroundPriority.lowerCurrentThread(settings.nice());
            task.run();
        }, name));
        try {
            consumeUntilStopped(writer);
        } finally {
            writer.shutdown();
        }
    }

    private void consumeUntilStopped(ExecutorService writer) {
        while (running) {
            try (ClientSession session = sessions.createSession(settings.credentials().user(), settings.credentials().password(),
                    false, false, false, false, 0);
                 ClientConsumer consumer = session.createConsumer(queue);
                 ClientProducer deadLetters = session.createProducer()) {
                session.start();
                while (running) {
                    ClientMessage first = consumer.receive(POLL_MS);
                    if (first != null) {
                        storeBatch(session, consumer, deadLetters, first, writer);
                    }
                }
            } catch (Exception | Error e) {
                // an Error too (out of memory while receiving, say): a thread that ended here was
                // never replaced, and the store stopped once the last one had gone
                if (running) {
                    LOG.warn("storeBatch {}: consumer failed, reconnecting in {} ms: {}", queue, RECONNECT_MS, e.toString());
                    pause();
                }
            }
        }
    }

    /** One batch from its first message: received, routed as one exchange, settled in one transaction. */
    private void storeBatch(ClientSession session, ClientConsumer consumer, ClientProducer deadLetters, ClientMessage first,
                            ExecutorService writer) throws Exception {
        Exchange exchange = createExchange(false);
        List<File> spooled = new ArrayList<>();
        try {
            List<Received> batch = receive(first, consumer, exchange, spooled);
            exchange.getIn().setBody(new StoreBatch(batch.stream().map(Received::entry).toList()));
            Throwable failure;
            try {
                route(exchange, writer);
                failure = exchange.getException();
            } catch (Exception | Error thrown) {
                // What the route threw rather than set on the exchange (an Error from a store step,
                // an operator's processor): the batch goes back like any failed batch, as attempts,
                // so the delay grows and max-delivery-attempts ends it; rolled back without the
                // acks, a message that throws every time came straight back as a first delivery.
                failure = thrown;
            }
            if (failure != null && !(failure instanceof StoreBatch.Incomplete)) {
                rollBack(session, batch);
                settings.failures().count();
                LOG.warn("storeBatch {}: batch of {} rolled back, the broker redelivers it: {}", queue, batch.size(), failure.toString());
                return;
            }
            settle(session, deadLetters, batch);
        } catch (Exception e) {
            session.rollback();
            throw e;
        } finally {
            releaseExchange(exchange, false);
            spooled.forEach(File::delete);
        }
    }

    /** Runs the store route on {@code writer} and waits for it; rethrows what the route threw, an Error as it is. */
    private void route(Exchange exchange, ExecutorService writer) throws Exception {
        try {
            writer.submit(() -> {
                getProcessor().process(exchange);
                return null;
            }).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e.getCause() instanceof Exception cause ? cause : new IllegalStateException("store route failed", e.getCause());
        }
    }

    /**
     * Up to batchSize messages: {@code first}, then those that come within waitMillis of it, and
     * no more once the bodies held in the heap reach {@link StoreBatchComponent#HEAP_BYTES_PER_BATCH}.
     */
    private List<Received> receive(ClientMessage first, ClientConsumer consumer, Exchange exchange, List<File> spooled)
            throws Exception {
        List<Received> batch = new ArrayList<>(settings.batchSize());
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.waitMillis());
        long heapBytes = 0;
        for (ClientMessage m = first; m != null; ) {
            // a large body is spooled now, before the next receive
            org.apache.camel.Message message = CoreMessages.toCamel(exchange, m, settings.spoolDir());
            if (message.getBody() instanceof File file) {
                spooled.add(file);
            } else if (message.getBody() instanceof byte[] body) {
                heapBytes += body.length;
            }
            batch.add(new Received(m, new BatchEntry(message)));
            if (batch.size() >= settings.batchSize() || heapBytes >= StoreBatchComponent.HEAP_BYTES_PER_BATCH) {
                break;
            }
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            m = left > 0 ? consumer.receive(left) : consumer.receiveImmediate();
        }
        return batch;
    }

    /** One commit for the acks and dead letters; then the failed messages go back to the broker. */
    private void settle(ClientSession session, ClientProducer deadLetters, List<Received> batch) throws Exception {
        int failed = 0;
        Throwable why = null;
        List<Received> dead = new ArrayList<>();
        for (Received r : batch) {
            switch (r.entry().outcome()) {
                case FAILED -> {
                    failed++;
                    why = why == null ? r.entry().failure() : why;
                }
                case DEAD_LETTER -> {
                    sendDeadLetter(session, deadLetters, r);
                    r.message().individualAcknowledge();
                    dead.add(r);
                }
                default -> r.message().individualAcknowledge(); // stored, or left pending by a route that succeeded
            }
        }
        session.commit();
        for (Received r : dead) {
            settings.deadLetters().recorded(store, r.entry().message().getHeader(MailHeaders.QUEUE_ID, String.class),
                    r.entry().failure().getMessage());
        }
        if (failed > 0) {
            // the failed ones are redelivered, counted as attempts
            rollBack(session, batch.stream().filter(r -> r.entry().outcome() == BatchEntry.Outcome.FAILED).toList());
            settings.failures().count();
            LOG.warn("storeBatch {}: {} of {} messages not stored, the broker redelivers them: {}", queue, failed, batch.size(),
                    io.mailgateway.store.StoreFailures.describe(why));
        }
    }

    /**
     * Hands {@code messages} back to the broker as failed attempts. They are acknowledged first,
     * in the transaction then rolled back: Artemis counts a delivery as an attempt only when its
     * acknowledgement is rolled back, and lowers the count again for a message never acknowledged.
     * Without the acks every retry came back as a first delivery: JMSRedelivered false (so the
     * Maildir store did not look in cur/ for a copy a mail client had already moved there, and
     * wrote it again), the redelivery delay never grew past its first step, and
     * max-delivery-attempts was never reached.
     */
    private static void rollBack(ClientSession session, List<Received> messages) throws ActiveMQException {
        try {
            for (Received r : messages) {
                r.message().individualAcknowledge();
            }
        } finally {
            session.rollback();
        }
    }

    private void sendDeadLetter(ClientSession session, ClientProducer deadLetters, Received r) throws Exception {
        String reason = r.entry().failure().getMessage();
        ClientMessage copy = CoreMessages.deadLetter(session, r.message(), r.entry().message().getBody(), reason);
        try (InputStream streamed = copy.getBodyInputStream()) {
            deadLetters.send(StoreDeadLetters.queueOf(store), copy);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(RECONNECT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
