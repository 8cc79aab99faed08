package io.mailgateway.policy.limits;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A clock and ticker that move only when a test says so: time without sleeping. */
public final class ManualClock extends Clock implements Ticker {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000_000L);
    private final long epochMillisAtStart = 1_800_000_000_000L;

    public ManualClock advance(Duration d) {
        nanos.addAndGet(d.toNanos());
        return this;
    }

    @Override
    public long nanos() {
        return nanos.get();
    }

    @Override
    public long millis() {
        return epochMillisAtStart + (nanos.get() - 1_000_000_000_000L) / 1_000_000;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
