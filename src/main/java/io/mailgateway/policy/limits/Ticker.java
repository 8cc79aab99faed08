package io.mailgateway.policy.limits;

/** A monotonic clock in nanoseconds; tests pass their own to step time without sleeping. */
@FunctionalInterface
public interface Ticker {

    Ticker SYSTEM = System::nanoTime;

    long nanos();
}
