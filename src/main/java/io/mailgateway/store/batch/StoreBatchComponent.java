package io.mailgateway.store.batch;

import io.mailgateway.broker.AdminCredentials;
import io.mailgateway.store.BackgroundPriority;
import io.mailgateway.store.StoreDeadLetters;
import io.mailgateway.store.StoreFailureCounter;
import java.nio.file.Path;
import java.util.Map;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultComponent;
import org.apache.camel.support.DefaultEndpoint;

/**
 * The {@code storeBatch:} component (bound as {@code storeBatch}): {@code from: "storeBatch:store.NAME"}
 * consumes a store's queue in batches, each batch one broker transaction and one exchange whose
 * body is a {@link io.mailgateway.store.StoreBatch} ({@link StoreBatchConsumer}). Its settings
 * are the gateway's: STORE_CONSUMERS consumers, STORAGE_BATCH_SIZE messages, STORE_BATCH_WAIT, STORE_NICE.
 */
public final class StoreBatchComponent extends DefaultComponent {

    /**
     * A batch stops growing once the bodies it holds in the heap reach this many octets; each is
     * held twice until the batch is settled (the broker's buffer and the store's copy), so a batch
     * of 100 messages just under the large-message threshold would otherwise hold 50 MiB per
     * consumer. Large messages are spooled to files and do not count. 2 MiB also keeps what a
     * queue's 4 consumers hold unacknowledged (with their 1 MiB prefetch windows) under the 20 MiB
     * the broker reads from a paged queue before it waits for acks (AMQ224127).
     */
    public static final long HEAP_BYTES_PER_BATCH = 2L << 20;

    /** What every consumer of this component shares. */
    record Settings(AdminCredentials credentials, int consumers, int batchSize, long waitMillis, Path spoolDir,
                    StoreDeadLetters deadLetters, StoreFailureCounter failures, int nice) {
    }

    private static final String QUEUE_PREFIX = "store.";
    private final Settings settings;

    /** @param nice how much lower than the gateway's the consumers' CPU priority is (STORE_NICE, {@link BackgroundPriority}) */
    public StoreBatchComponent(AdminCredentials credentials, int consumers, int batchSize, long waitMillis, Path spoolDir,
                               StoreDeadLetters deadLetters, StoreFailureCounter failures, int nice) {
        this.settings = new Settings(credentials, consumers, batchSize, waitMillis, spoolDir, deadLetters, failures, nice);
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) {
        if (!remaining.startsWith(QUEUE_PREFIX) || remaining.length() == QUEUE_PREFIX.length() || remaining.endsWith(".dlq")) {
            throw new IllegalArgumentException("storeBatch: consumes a store's queue store.NAME, got " + remaining);
        }
        return new StoreBatchEndpoint(uri, this, remaining);
    }

    private static final class StoreBatchEndpoint extends DefaultEndpoint {

        private final String queue;

        StoreBatchEndpoint(String uri, StoreBatchComponent component, String queue) {
            super(uri, component);
            this.queue = queue;
        }

        @Override
        public Consumer createConsumer(Processor processor) {
            return new StoreBatchConsumer(this, processor, queue, ((StoreBatchComponent) getComponent()).settings);
        }

        @Override
        public Producer createProducer() {
            throw new UnsupportedOperationException("storeBatch: is a consumer only; the inbound route sends with accepted:");
        }
    }
}
