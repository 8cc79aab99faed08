package io.mailgateway.policy.limits;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A token bucket per client ({@link ClientKey}): {@code burst} tokens, refilled at
 * {@code perMinute} tokens a minute. What takes a token is the caller's choice: the connection
 * policy keeps one limiter for messages (MAIL FROM) and, when set, another for connections.
 *
 * <p>Implemented as GCRA (the "virtual scheduling" form of a token bucket): a bucket is one
 * {@link AtomicLong}, its theoretical arrival time (TAT). Taking a token is one CAS, so the
 * hot path takes no lock; the table is a {@link ConcurrentHashMap}. A bucket whose TAT has
 * passed is full, which is the same as having no bucket: the periodic {@link #cleanup} drops
 * those, so the table only holds clients that were busy within the last refill period.
 *
 * <p>Bounded: at most {@code maxTracked} buckets. When a new client arrives at a full table,
 * full buckets are swept first (at most once a second); if the table is still full, every
 * client without a bucket shares one overflow bucket with the same rate and burst. So a flood
 * from many addresses cannot grow memory, tracked clients keep their own limits, and new
 * clients during the flood get 4xx replies and retry later (mail is delayed, not lost).
 */
public final class RateLimiter implements TokenBuckets {

    private static final Logger LOG = LoggerFactory.getLogger(RateLimiter.class);
    private static final long SECOND = 1_000_000_000L;

    private final long intervalNanos;
    private final long capacityNanos;
    private final int maxTracked;
    private final Ticker ticker;
    private final ConcurrentHashMap<ClientKey, AtomicLong> buckets = new ConcurrentHashMap<>();
    private final AtomicLong overflow;
    private final AtomicLong lastFullSweep;
    private final AtomicLong overflowed = new AtomicLong();

    public RateLimiter(int perMinute, int burst, int maxTracked, Ticker ticker) {
        if (perMinute < 1 || burst < 1 || maxTracked < 1) {
            throw new IllegalArgumentException("rate, burst and table size must be positive");
        }
        this.intervalNanos = Math.max(1, 60 * SECOND / perMinute);
        this.capacityNanos = intervalNanos * burst;
        this.maxTracked = maxTracked;
        this.ticker = ticker;
        long now = ticker.nanos();
        this.overflow = new AtomicLong(now);
        this.lastFullSweep = new AtomicLong(now - SECOND);
    }

    /**
     * Takes one token for this client.
     *
     * @return 0 when a token was taken, else the nanoseconds until one will be there
     */
    @Override
    public long tryAcquire(ClientKey key) {
        long now = ticker.nanos();
        AtomicLong bucket = buckets.get(key);
        if (bucket == null) {
            bucket = newBucket(key, now);
        }
        while (true) {
            long tat = bucket.get();
            long next = Math.max(tat, now) + intervalNanos;
            long excess = next - now - capacityNanos;
            if (excess > 0) {
                return excess;
            }
            if (bucket.compareAndSet(tat, next)) {
                return 0;
            }
        }
    }

    private AtomicLong newBucket(ClientKey key, long now) {
        if (buckets.size() >= maxTracked) {
            long last = lastFullSweep.get();
            if (now - last >= SECOND && lastFullSweep.compareAndSet(last, now)) {
                int removed = cleanup();
                LOG.warn("rate limit table full ({} clients); swept {} idle buckets", maxTracked, removed);
            }
            if (buckets.size() >= maxTracked) {
                overflowed.incrementAndGet();
                return overflow;
            }
        }
        // A fresh bucket starts full (TAT = now). The size check and the insert are not one
        // atomic step, so under a race the table can pass maxTracked by the number of threads.
        return buckets.computeIfAbsent(key, k -> new AtomicLong(now));
    }

    /**
     * Drops every full bucket (TAT in the past): such a client is indistinguishable from a new one.
     * A token taken from a bucket in the instant it is dropped is forgotten: at most one token
     * per client per sweep, in the client's favour.
     *
     * @return how many buckets were dropped
     */
    @Override
    public int cleanup() {
        long now = ticker.nanos();
        int before = buckets.size();
        buckets.values().removeIf(tat -> tat.get() <= now);
        return Math.max(0, before - buckets.size());
    }

    /** Buckets held now. */
    public int tracked() {
        return buckets.size();
    }

    /** Token requests that had to use the shared overflow bucket because the table was full. */
    public long overflowCount() {
        return overflowed.get();
    }

    /** Whole seconds to wait, rounded up, at least 1: for "try again in N seconds". */
    public static long retrySeconds(long waitNanos) {
        return Math.max(1, (waitNanos + SECOND - 1) / SECOND);
    }
}
