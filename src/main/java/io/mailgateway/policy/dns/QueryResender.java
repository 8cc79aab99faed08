package io.mailgateway.policy.dns;

import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.xbill.DNS.Message;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;

/**
 * Sends one DNS query over UDP until a server answers: a try every third of the timeout, each to
 * the next server (starting with the one that answered last), the whole lookup bounded by the
 * timeout. Earlier tries are still listened to, so a slow answer to the first try counts as much
 * as a quick one to the second; a try that fails at once (ICMP unreachable) starts the next one at
 * once. Any response ends the lookup, SERVFAIL included: that server did answer.
 *
 * <p>Not dnsjava's ExtendedResolver: its per-server timeout closes the socket of a try (a late
 * answer to it is lost), it moves to the next try only if the lookup's deadline has not passed,
 * and timeouts are noticed by the NIO selector's poll (up to 1 s late), so a resend meant for
 * within POLICY_DNS_TIMEOUT could come after it. Thread-safe; one timer thread for all lookups.
 */
final class QueryResender {

    static final int TRIES = 3;

    private final List<Resolver> servers;
    private final long timeoutNanos;
    private final long intervalNanos;
    /** The server that answered last: the next lookup's first try goes there. */
    private final AtomicInteger preferred = new AtomicInteger();

    QueryResender(List<InetSocketAddress> servers, Duration timeout) {
        this.servers = new ArrayList<>();
        for (InetSocketAddress a : servers) {
            SimpleResolver r = new SimpleResolver(a);
            // A try's own socket lives as long as the lookup may: its answer is welcome until then.
            r.setTimeout(timeout);
            this.servers.add(r);
        }
        if (this.servers.isEmpty()) {
            throw new IllegalArgumentException("no DNS server");
        }
        this.timeoutNanos = timeout.toNanos();
        this.intervalNanos = Math.max(1, timeoutNanos / TRIES);
    }

    /** The response of the first server to answer; a {@link SocketTimeoutException} when none did within the timeout. */
    CompletableFuture<Message> send(Message query) {
        Lookup lookup = new Lookup(query, preferred.get());
        lookup.timers.add(TIMERS.schedule(() -> lookup.result.completeExceptionally(
                new SocketTimeoutException("no answer from " + servers.size() + " server(s) in " + TRIES + " tries within "
                        + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms")), timeoutNanos, TimeUnit.NANOSECONDS));
        // An answered lookup must not wait in the timer queue (with its query and response) for
        // the rest of DNS_TIMEOUT: at hundreds of lookups a second that is thousands held.
        lookup.result.whenComplete((response, error) -> lookup.timers.forEach(t -> t.cancel(false)));
        lookup.attempt(0);
        return lookup.result;
    }

    /**
     * Timeouts and resends, on a thread of their own: starting a try only hands a datagram to
     * dnsjava's selector, and a busy common pool must not hold a resend back. Cancelled timers
     * leave the queue at once.
     */
    private static final ScheduledThreadPoolExecutor TIMERS = timers();

    private static ScheduledThreadPoolExecutor timers() {
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "dns-resend");
            t.setDaemon(true);
            return t;
        });
        timers.setRemoveOnCancelPolicy(true);
        return timers;
    }

    private final class Lookup {
        final Message query;
        final int first;
        final CompletableFuture<Message> result = new CompletableFuture<>();
        /** Tries started, and tries that failed. */
        final AtomicInteger started = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        /** The timeout and the resends scheduled, cancelled once the lookup completes. */
        final List<ScheduledFuture<?>> timers = new CopyOnWriteArrayList<>();

        Lookup(Message query, int first) {
            this.query = query;
            this.first = first;
        }

        /** Starts try {@code i} unless it already started (by the timer or by the failure of the one before). */
        void attempt(int i) {
            if (i >= TRIES || result.isDone() || !started.compareAndSet(i, i + 1)) {
                return;
            }
            int server = (first + i) % servers.size();
            servers.get(server).sendAsync(query).whenComplete((response, error) -> {
                if (error == null) {
                    preferred.set(server);
                    result.complete(response);
                } else if (failed.incrementAndGet() == TRIES) {
                    result.completeExceptionally(error);
                } else {
                    attempt(i + 1);
                }
            });
            if (i + 1 < TRIES && !result.isDone()) {
                timers.add(TIMERS.schedule(() -> attempt(i + 1), intervalNanos, TimeUnit.NANOSECONDS));
                if (result.isDone()) {
                    timers.forEach(t -> t.cancel(false)); // completed while scheduling: the callback may have run already
                }
            }
        }
    }
}
