package io.mailgateway.policy.limits.redis;

import io.mailgateway.policy.limits.Ticker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether Redis is answering, as the limits see it, and whether to ask it at all. The checks run
 * on the Netty event loop: a Redis that hangs (SIGSTOP, a partition without RST) would make every
 * MAIL and RCPT wait REDIS_TIMEOUT there, freezing every other session of that loop. So once a
 * request failed, the checks {@link #skip} Redis and fail open at once for a back-off, after which
 * one request at a time tries Redis again (a circuit breaker): at most one caller pays the timeout
 * per back-off. Every check that could not ask counts in {@code smtp_cache_backend_errors_total{op}};
 * only the first failure of an outage is logged, and so is the first answer after it.
 *
 * <p>Use: {@link #skip()} before asking; if it said ask, exactly one of {@link #failed} or {@link #answered}.
 */
final class BackendOutage {

    private static final Logger LOG = LoggerFactory.getLogger(BackendOutage.class);

    private final String address;
    private final MeterRegistry registry;
    private final long backOffNanos;
    private final Ticker ticker;

    private volatile boolean down;
    private boolean probing;
    private long failedAt;

    BackendOutage(String address, MeterRegistry registry, Duration backOff, Ticker ticker) {
        this.address = address;
        this.registry = registry;
        this.backOffNanos = backOff.toNanos();
        this.ticker = ticker;
    }

    /** REDIS_TIMEOUT ten times over, at least 5 s: a hung Redis costs one event loop a tenth of its time at most. */
    static Duration backOff(Duration timeout) {
        Duration tenTimes = timeout.multipliedBy(10);
        return tenTimes.compareTo(Duration.ofSeconds(5)) > 0 ? tenTimes : Duration.ofSeconds(5);
    }

    /** The error counter of one kind of request: rate_limit or greylist. */
    Counter errors(String op) {
        return Counter.builder("smtp.cache.backend.errors")
                .description("Checks against the shared cache backend (CACHE_BACKEND=redis) that failed, timed out or were skipped"
                        + " during an outage; each let its client pass")
                .tag("op", op).register(registry);
    }

    /**
     * True when the caller must not ask Redis (counted in {@code errors}: it fails open): Redis is
     * known down and its back-off has not passed, or another caller is already trying it.
     */
    boolean skip(Counter errors) {
        if (!down) {
            return false;
        }
        synchronized (this) {
            if (!down || !probing && ticker.nanos() - failedAt >= backOffNanos) {
                probing = down;
                return false;
            }
        }
        errors.increment();
        return true;
    }

    void failed(Counter errors, RuntimeException e) {
        errors.increment();
        boolean first;
        synchronized (this) {
            first = !down;
            down = true;
            probing = false;
            failedAt = ticker.nanos();
        }
        if (first) {
            LOG.warn("Redis at {} does not answer ({}): rate limits and greylisting let every client pass until it does"
                    + " (asked again every {} s)", address, e.toString(), backOffNanos / 1_000_000_000L);
        }
    }

    void answered() {
        if (!down) {
            return;
        }
        boolean wasDown;
        synchronized (this) {
            wasDown = down;
            down = false;
            probing = false;
        }
        if (wasDown) {
            LOG.info("Redis at {} answers again: shared rate limits and greylisting are back", address);
        }
    }

    boolean isDown() {
        return down;
    }
}
