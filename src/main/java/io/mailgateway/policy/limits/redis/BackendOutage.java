package io.mailgateway.policy.limits.redis;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether Redis is answering, as the limits see it: every failed request counts in
 * {@code smtp_cache_backend_errors_total{op}}, but only the first of an outage is logged (a
 * busy listener would otherwise write one line per command), and so is the first answer after it.
 */
final class BackendOutage {

    private static final Logger LOG = LoggerFactory.getLogger(BackendOutage.class);

    private final String address;
    private final MeterRegistry registry;
    private final AtomicBoolean down = new AtomicBoolean();

    BackendOutage(String address, MeterRegistry registry) {
        this.address = address;
        this.registry = registry;
    }

    /** The error counter of one kind of request: rate_limit or greylist. */
    Counter errors(String op) {
        return Counter.builder("smtp.cache.backend.errors")
                .description("Requests to the shared cache backend (CACHE_BACKEND=redis) that failed or timed out; each let its client pass")
                .tag("op", op).register(registry);
    }

    void failed(Counter errors, RuntimeException e) {
        errors.increment();
        if (down.compareAndSet(false, true)) {
            LOG.warn("Redis at {} does not answer ({}): rate limits and greylisting let every client pass until it does",
                    address, e.toString());
        }
    }

    void answered() {
        if (down.get() && down.compareAndSet(true, false)) {
            LOG.info("Redis at {} answers again: shared rate limits and greylisting are back", address);
        }
    }

    boolean isDown() {
        return down.get();
    }
}
