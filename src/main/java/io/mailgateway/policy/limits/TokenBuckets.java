package io.mailgateway.policy.limits;

/**
 * Token buckets per client, wherever they live: {@link RateLimiter} in this process
 * (CACHE_BACKEND=memory), or shared by several nodes in Redis (CACHE_BACKEND=redis).
 */
public interface TokenBuckets {

    /**
     * Takes one token for this client.
     *
     * @return 0 when a token was taken (or the store could not be asked: rate limits fail open),
     *     else the nanoseconds until one will be there
     */
    long tryAcquire(ClientKey key);

    /** Drops idle buckets held here; a store that expires its own keys has nothing to do. */
    default int cleanup() {
        return 0;
    }
}
