package io.mailgateway.policy.dns;

/**
 * How long the checks of the message being checked on this thread may still wait for DNS, in all
 * (POLICY_DNS_TIMEOUT). The end-of-data checks of one message run one after the other on one
 * thread (policy.camel.CheckStep sets the deadline around each); every lookup they make waits at
 * most what is left, so a dead resolver costs a message one POLICY_DNS_TIMEOUT, not one per lookup.
 * Answers already cached are served whatever is left. Lookups outside a check (delivery's next
 * hops) are not bounded by this: they wait as long as the lookup lasts, DNS_TIMEOUT.
 */
public final class DnsBudget {

    private static final ThreadLocal<Long> DEADLINE = new ThreadLocal<>();

    private DnsBudget() {
    }

    /** Runs {@code work} with lookups bounded by {@code deadlineNanos} (a {@link System#nanoTime()} value). */
    public static <T, E extends Exception> T until(long deadlineNanos, Work<T, E> work) throws E {
        Long outer = DEADLINE.get();
        DEADLINE.set(deadlineNanos);
        try {
            return work.run();
        } finally {
            if (outer == null) {
                DEADLINE.remove();
            } else {
                DEADLINE.set(outer);
            }
        }
    }

    /**
     * Runs {@code work} with at least {@code floor} to wait from now, even when the message's time
     * is spent: for a lookup whose zone the sender does not run (the From domain's DMARC policy),
     * which slow DNS in the zones the sender does run (its SPF, its DKIM keys) must not starve.
     * Outside a check, as without a budget.
     */
    public static <T, E extends Exception> T atLeast(java.time.Duration floor, Work<T, E> work) throws E {
        Long deadline = DEADLINE.get();
        if (deadline == null) {
            return work.run();
        }
        return until(Math.max(deadline, System.nanoTime() + floor.toNanos()), work);
    }

    /** Whether this thread is inside a check (its lookups wait POLICY_DNS_TIMEOUT, not DNS_TIMEOUT). */
    static boolean active() {
        return DEADLINE.get() != null;
    }

    /** Nanoseconds left for this thread's message, or Long.MAX_VALUE outside a check. */
    static long remainingNanos() {
        Long deadline = DEADLINE.get();
        return deadline == null ? Long.MAX_VALUE : deadline - System.nanoTime();
    }

    @FunctionalInterface
    public interface Work<T, E extends Exception> {
        T run() throws E;
    }
}
