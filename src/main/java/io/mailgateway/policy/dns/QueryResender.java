package io.mailgateway.policy.dns;

import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
 * within POLICY_DNS_TIMEOUT could come after it. Thread-safe; holds no thread between tries.
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
        later(timeoutNanos).execute(() -> lookup.result.completeExceptionally(
                new SocketTimeoutException("no answer from " + servers.size() + " server(s) in " + TRIES + " tries within "
                        + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms")));
        lookup.attempt(0);
        return lookup.result;
    }

    /**
     * Runs a task after a delay on the JDK's timer thread itself: starting a try only hands a
     * datagram to dnsjava's selector, and a busy common pool must not hold a resend back.
     */
    private static java.util.concurrent.Executor later(long nanos) {
        return CompletableFuture.delayedExecutor(nanos, TimeUnit.NANOSECONDS, Runnable::run);
    }

    private final class Lookup {
        final Message query;
        final int first;
        final CompletableFuture<Message> result = new CompletableFuture<>();
        /** Tries started, and tries that failed. */
        final AtomicInteger started = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();

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
            if (i + 1 < TRIES) {
                later(intervalNanos).execute(() -> attempt(i + 1));
            }
        }
    }
}
