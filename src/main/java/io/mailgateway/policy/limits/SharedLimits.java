package io.mailgateway.policy.limits;

import java.time.Clock;
import java.time.Duration;

/**
 * Rate-limit buckets and greylisting held outside this process, shared by every node that
 * uses the same store (CACHE_BACKEND=redis). Bound once per gateway as bean "sharedLimits";
 * each listener's {@link ConnectionPolicy} takes its buckets and greylist from it. Without it
 * (CACHE_BACKEND=memory) a policy keeps them in memory.
 */
public interface SharedLimits {

    /**
     * Buckets of {@code burst} tokens regaining {@code perMinute} a minute, named so that
     * different limits (messages, connections) and listeners never share a client's bucket.
     */
    TokenBuckets tokenBuckets(String name, int perMinute, int burst, Clock clock);

    /** The triplets, recording at most {@code maxNew} new ones per {@code expiry} (GREYLIST_MAX_ENTRIES). */
    GreylistTriplets greylist(Duration delay, Duration expiry, Duration passLifetime, int maxNew, Clock clock);
}
