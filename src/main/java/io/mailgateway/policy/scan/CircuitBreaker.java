package io.mailgateway.policy.scan;

import io.mailgateway.policy.limits.Ticker;
import java.time.Duration;

/**
 * Stops asking an engine that keeps failing: after {@code failures} consecutive failures the
 * breaker opens, and for {@code coolDown} every call is refused at once (the check applies its
 * fail action without waiting for a timeout, so an outage does not hold every SMTP session for
 * SPAM_TIMEOUT). After the cool-down one call at a time is let through as a probe: a success
 * closes the breaker, a failure opens it for another cool-down. Thread-safe; calls are rare
 * compared with the engine's own work, so one lock is enough.
 *
 * <p>Use: {@link #tryAcquire()} before asking; then exactly one of {@link #success()} or
 * {@link #failure()} for each acquired call.
 */
public final class CircuitBreaker {

    public enum State { CLOSED, OPEN, HALF_OPEN }

    private final int threshold;
    private final long coolDownNanos;
    private final Ticker ticker;

    private int consecutiveFailures;
    private long openedAt;
    private boolean open;
    private boolean probing;

    public CircuitBreaker(int threshold, Duration coolDown, Ticker ticker) {
        if (threshold < 1) {
            throw new IllegalArgumentException("threshold must be at least 1: " + threshold);
        }
        this.threshold = threshold;
        this.coolDownNanos = coolDown.toNanos();
        this.ticker = ticker;
    }

    /** Whether this call may ask the engine: always while closed; one probe at a time once the cool-down passed. */
    public synchronized boolean tryAcquire() {
        if (!open) {
            return true;
        }
        if (probing || ticker.nanos() - openedAt < coolDownNanos) {
            return false;
        }
        probing = true;
        return true;
    }

    public synchronized void success() {
        consecutiveFailures = 0;
        open = false;
        probing = false;
    }

    /** Counts a failure; returns true when this failure opened (or re-opened) the breaker. */
    public synchronized boolean failure() {
        consecutiveFailures++;
        if (probing || !open && consecutiveFailures >= threshold) {
            probing = false;
            open = true;
            openedAt = ticker.nanos();
            return true;
        }
        return false;
    }

    public synchronized State state() {
        if (!open) {
            return State.CLOSED;
        }
        return probing || ticker.nanos() - openedAt >= coolDownNanos ? State.HALF_OPEN : State.OPEN;
    }
}
