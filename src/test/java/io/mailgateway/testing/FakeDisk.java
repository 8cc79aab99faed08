package io.mailgateway.testing;

import io.mailgateway.policy.limits.DiskSpaceGuard;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The file system a {@link DiskSpaceGuard} looks at, with free space a test sets, and the guard's
 * clock, which only the test moves (the guard looks at most once a second). Filling a real disk is
 * what bench/chaos/disk-full.sh does, on a tmpfs of its own.
 */
public final class FakeDisk implements DiskSpaceGuard.Space {

    public static final long MIB = 1 << 20;

    private final AtomicLong usable;
    private final long total;
    private final AtomicLong clock = new AtomicLong();

    public FakeDisk(long usable, long total) {
        this.usable = new AtomicLong(usable);
        this.total = total;
    }

    /** A guard on this disk and its clock. */
    public DiskSpaceGuard guard(long minFree, int maxUsagePercent) {
        return new DiskSpaceGuard(this, minFree, maxUsagePercent, clock::get);
    }

    public void setUsable(long octets) {
        usable.set(octets);
    }

    public void advance(Duration by) {
        clock.addAndGet(by.toNanos());
    }

    /** {@link #setUsable}, then a second on: the guard's next look sees it. */
    public void becomes(long usableOctets) {
        setUsable(usableOctets);
        advance(Duration.ofSeconds(1));
    }

    @Override
    public long usable() {
        return usable.get();
    }

    @Override
    public long total() {
        return total;
    }
}
