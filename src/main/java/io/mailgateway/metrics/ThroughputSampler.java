package io.mailgateway.metrics;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * Per-second rates of a counter over the last 1, 5 and 15 minutes, from a ring of samples taken
 * every {@link #INTERVAL} ({@link #sample()}, called by the status server's scheduler). A rate
 * is the increase from the oldest sample inside the window to now, divided by the time between:
 * right after start that is the rate since start, never a made-up zero-filled window.
 */
final class ThroughputSampler {

    static final Duration INTERVAL = Duration.ofSeconds(5);
    /** Enough samples to span the longest window. */
    private static final int CAPACITY = (int) (Duration.ofMinutes(15).toNanos() / INTERVAL.toNanos()) + 1;

    private record Sample(long nanos, double value) {
    }

    private final DoubleSupplier counter;
    private final LongSupplier nanoClock;
    private final Deque<Sample> samples = new ArrayDeque<>();

    ThroughputSampler(DoubleSupplier counter, LongSupplier nanoClock) {
        this.counter = counter;
        this.nanoClock = nanoClock;
        sample();
    }

    synchronized void sample() {
        samples.addLast(new Sample(nanoClock.getAsLong(), counter.getAsDouble()));
        while (samples.size() > CAPACITY) {
            samples.removeFirst();
        }
    }

    /** Per-second rate between each pair of successive samples, oldest first (the status page's chart). */
    synchronized List<Double> history() {
        List<Double> rates = new ArrayList<>(samples.size());
        Sample previous = null;
        for (Sample s : samples) {
            if (previous != null && s.nanos() > previous.nanos()) {
                rates.add(Math.max(0, s.value() - previous.value()) / ((s.nanos() - previous.nanos()) / 1e9));
            }
            previous = s;
        }
        return rates;
    }

    /** Increase per second over {@code window}; 0 when no time has passed. */
    synchronized double perSecond(Duration window) {
        long now = nanoClock.getAsLong();
        double current = counter.getAsDouble();
        Sample from = null;
        for (Sample s : samples) {
            if (now - s.nanos() <= window.toNanos()) {
                from = s;
                break;
            }
        }
        if (from == null || now <= from.nanos()) {
            return 0;
        }
        // A counter never decreases; if a meter was replaced, report no traffic rather than a negative rate.
        double increase = Math.max(0, current - from.value());
        return increase / ((now - from.nanos()) / 1e9);
    }
}
