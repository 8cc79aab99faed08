package io.mailgateway.policy.limits;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Open connections, in total and per client ({@link ClientKey}). An entry exists only while
 * its client has a connection open, so the table is bounded by the total cap.
 */
public final class ConnectionCounter {

    /** Why a connection was refused, or that it was not. */
    public enum Verdict { OK, TOTAL, PER_CLIENT }

    private final int maxTotal;
    private final int maxPerClient;
    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentHashMap<ClientKey, Integer> perClient = new ConcurrentHashMap<>();

    /**
     * @param maxTotal most open connections in all
     * @param maxPerClient most from one client; 0 for no per-client cap
     */
    public ConnectionCounter(int maxTotal, int maxPerClient) {
        this.maxTotal = maxTotal;
        this.maxPerClient = maxPerClient;
    }

    /**
     * Counts a new connection if both caps allow it. On {@code OK} the caller must call
     * {@link #release} exactly once when it closes; on a refusal nothing is counted.
     *
     * @param key the client, or null to count it only in the total (exempt from the per-client cap)
     */
    public Verdict acquire(ClientKey key) {
        if (!acquireTotal()) {
            return Verdict.TOTAL;
        }
        if (key != null && maxPerClient > 0) {
            // merge holds the bin lock: increments and the removal at zero never interleave.
            if (perClient.merge(key, 1, Integer::sum) > maxPerClient) {
                release(key);
                return Verdict.PER_CLIENT;
            }
        }
        return Verdict.OK;
    }

    /**
     * A place in the total only, for a connection whose client is not known yet; false when there
     * is none. Given back with {@link #releaseTotal}.
     */
    public boolean acquireTotal() {
        if (total.incrementAndGet() > maxTotal) {
            total.decrementAndGet();
            return false;
        }
        return true;
    }

    public void releaseTotal() {
        total.decrementAndGet();
    }

    public void release(ClientKey key) {
        if (key != null && maxPerClient > 0) {
            perClient.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
        }
        total.decrementAndGet();
    }

    public int open() {
        return total.get();
    }

    public int openFrom(ClientKey key) {
        return perClient.getOrDefault(key, 0);
    }

    /** Clients with a connection open (the size of the per-client table). */
    public int clients() {
        return perClient.size();
    }
}
