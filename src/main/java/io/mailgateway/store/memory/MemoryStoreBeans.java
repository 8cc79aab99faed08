package io.mailgateway.store.memory;

import io.mailgateway.store.StoreBeans;
import io.mailgateway.store.StoreContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Binds {@code memoryStore}, used by routes/store-memory.camel.yaml, and warns that it is not durable. */
public final class MemoryStoreBeans implements StoreBeans {

    private static final Logger LOG = LoggerFactory.getLogger(MemoryStoreBeans.class);

    @Override
    public void bind(StoreContext context) {
        int max = context.config().getInt("MEMORY_STORE_MAX_MESSAGES");
        LOG.warn("memory store is NOT durable: it keeps the last {} messages in memory only and loses them on restart "
                + "(acceptance stays durable through the broker queue store.memory)", max);
        context.registry().accept("memoryStore", new MemoryStore(max));
    }
}
