package io.mailgateway.policy.limits;

import io.mailgateway.message.Mailbox;
import io.mailgateway.message.Recipient;
import io.mailgateway.policy.ConnectCheck;
import io.mailgateway.policy.Connection;
import io.mailgateway.policy.MailCheck;
import io.mailgateway.policy.RcptCheck;
import io.mailgateway.metrics.SharedMeters;
import io.mailgateway.policy.Verdict;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session-level limits of one SMTP listener, by SMTP phase:
 * <ul>
 *   <li>connect ({@link #onConnect}): total cap, per-client cap, and, when set, the connection
 *       rate (CONNECTION_RATE_LIMIT_PER_MINUTE, a bucket of its own);</li>
 *   <li>MAIL ({@link #onMail}): the message rate (RATE_LIMIT_PER_MINUTE, RATE_LIMIT_BURST):
 *       one token per message, and only messages take them;</li>
 *   <li>RCPT ({@link #onRcpt}): greylisting, when enabled.</li>
 * </ul>
 * Clients in the whitelist skip the per-client cap, the rate limit and greylisting (like
 * Postfix's {@code smtpd_client_event_limit_exceptions}); they still count in the total.
 *
 * <p>Lifecycle: build, {@link #start} (schedules idle-bucket cleanup and the greylist's write
 * behind on one daemon thread), use from any thread, {@link #close} (last greylist write).
 * Knows nothing of the SMTP session: it answers with {@link Verdict}s (replies from
 * {@link LimitReplies}), which the session's {@link io.mailgateway.policy.PolicyChain} turns into its answer.
 */
public final class ConnectionPolicy implements ConnectCheck, MailCheck, RcptCheck, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionPolicy.class);

    /** The listener of a policy built without a name (tests, tools). */
    private static final String DEFAULT_LISTENER = "smtp";

    /**
     * The limits; see docs/policy.md and the keys of the same names in docs/configuration.md.
     * {@code ratePerMinute}/{@code rateBurst}: messages per client; {@code connectionRatePerMinute}:
     * connections per client (its bucket holds one minute's worth), 0 for none.
     */
    public record Limits(int maxConnections, int maxConnectionsPerIp,
                         boolean rateLimitEnabled, int ratePerMinute, int rateBurst, int connectionRatePerMinute, CidrSet whitelist,
                         Duration cleanupInterval, int maxTracked,
                         boolean greylistEnabled, Duration greylistDelay, Duration greylistExpiry,
                         Duration greylistPassLifetime, int greylistMaxEntries, Path greylistDb) {

        /** No caps that matter, no rate limit, no greylisting. */
        public static Limits none() {
            return new Limits(Integer.MAX_VALUE, 0, false, 1, 1, 0, CidrSet.empty(), Duration.ofMinutes(1), 1,
                    false, Duration.ZERO, Duration.ofHours(4), Duration.ofDays(36), 1, null);
        }
    }

    /** What {@link #onConnect} decided, counted per outcome. */
    public enum Outcome { ACCEPTED, TOO_MANY_CONNECTIONS, TOO_MANY_FROM_CLIENT, RATE_LIMITED }

    private final Limits limits;
    private final Counter rateRefusedConnections;
    /** Refused connections by outcome; admitted ones are smtp_connections_total minus these, so not a meter. */
    private final EnumMap<Outcome, Counter> outcomes = new EnumMap<>(Outcome.class);
    private final LongAdder admitted = new LongAdder();
    private final Counter messagesLimited;
    private final Counter greylisted;
    private final ConnectionCounter connections;
    private final TokenBuckets rateLimiter;
    private final TokenBuckets connectionRateLimiter;
    private final GreylistTriplets greylist;
    private ScheduledExecutorService scheduler;

    public ConnectionPolicy(Limits limits) {
        this(limits, new SimpleMeterRegistry());
    }

    /**
     * Counting into {@code registry}: {@code smtp_connections_rejected_total{reason}},
     * {@code smtp_rate_limited_total{phase}} and greylisted recipients in
     * {@code smtp_policy_results_total{check="greylist"}}; counters shared by every listener.
     */
    public ConnectionPolicy(Limits limits, MeterRegistry registry) {
        this(limits, registry, null);
    }

    /**
     * With {@code shared} (CACHE_BACKEND=redis) the rate-limit buckets and greylisting live
     * there, shared with the other nodes; null keeps them in memory.
     */
    public ConnectionPolicy(Limits limits, MeterRegistry registry, SharedLimits shared) {
        this(limits, registry, shared, DEFAULT_LISTENER);
    }

    /**
     * As above, for the listener named {@code listener} (its port): in {@code shared} its buckets
     * are its own, as they are in memory, and the same listener of every node shares them.
     */
    public ConnectionPolicy(Limits limits, MeterRegistry registry, SharedLimits shared, String listener) {
        this(limits, Ticker.SYSTEM, Clock.systemUTC(), registry, shared, listener);
    }

    /** With the clocks given: tests step time instead of sleeping. */
    public ConnectionPolicy(Limits limits, Ticker ticker, Clock clock) {
        this(limits, ticker, clock, null);
    }

    /** With the clocks given and, when not null, the buckets and greylist in {@code shared}. */
    public ConnectionPolicy(Limits limits, Ticker ticker, Clock clock, SharedLimits shared) {
        this(limits, ticker, clock, new SimpleMeterRegistry(), shared, DEFAULT_LISTENER);
    }

    private ConnectionPolicy(Limits limits, Ticker ticker, Clock clock, MeterRegistry registry, SharedLimits shared,
                             String listener) {
        this.limits = limits;
        outcomes.put(Outcome.TOO_MANY_CONNECTIONS, SharedMeters.connectionsRejected(registry, "max_connections"));
        outcomes.put(Outcome.TOO_MANY_FROM_CLIENT, SharedMeters.connectionsRejected(registry, "max_per_ip"));
        Counter rateLimitedConnections = rateLimited(registry, "connect");
        outcomes.put(Outcome.RATE_LIMITED, rateLimitedConnections);
        this.rateRefusedConnections = SharedMeters.connectionsRejected(registry, "rate_limit");
        this.messagesLimited = rateLimited(registry, "mail");
        this.greylisted = SharedMeters.policyResults(registry, "greylist", "greylisted");
        this.connections = new ConnectionCounter(limits.maxConnections(), limits.maxConnectionsPerIp());
        this.rateLimiter = limits.rateLimitEnabled()
                ? buckets(shared, "msg:" + listener, limits.ratePerMinute(), limits.rateBurst(), ticker, clock) : null;
        this.connectionRateLimiter = limits.rateLimitEnabled() && limits.connectionRatePerMinute() > 0
                ? buckets(shared, "conn:" + listener, limits.connectionRatePerMinute(), limits.connectionRatePerMinute(), ticker, clock)
                : null;
        this.greylist = limits.greylistEnabled() ? greylist(shared, clock) : null;
    }

    private TokenBuckets buckets(SharedLimits shared, String name, int perMinute, int burst, Ticker ticker, Clock clock) {
        return shared != null ? shared.tokenBuckets(name, perMinute, burst, clock)
                : new RateLimiter(perMinute, burst, limits.maxTracked(), ticker);
    }

    /** In memory: bounded by GREYLIST_MAX_ENTRIES and kept in GREYLIST_PERSIST's file; shared: new triplets capped, keys expire. */
    private GreylistTriplets greylist(SharedLimits shared, Clock clock) {
        if (shared != null) {
            return shared.greylist(limits.greylistDelay(), limits.greylistExpiry(), limits.greylistPassLifetime(),
                    limits.greylistMaxEntries(), clock);
        }
        return new Greylist(limits.greylistDelay(), limits.greylistExpiry(), limits.greylistPassLifetime(),
                limits.greylistMaxEntries(), clock, limits.greylistDb() == null ? null : GreylistStore.open(limits.greylistDb()));
    }

    public synchronized void start() {
        if (scheduler != null || (rateLimiter == null && connectionRateLimiter == null && greylist == null)) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "smtp-limits");
            t.setDaemon(true);
            return t;
        });
        long every = limits.cleanupInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::cleanup, every, every, TimeUnit.MILLISECONDS);
        if (greylist != null) {
            scheduler.scheduleWithFixedDelay(this::flushGreylist, 1, 1, TimeUnit.SECONDS);
        }
    }

    /** Counts a new connection and, with a connection rate set, takes its token; on refusal nothing stays counted. */
    @Override
    public Verdict onConnect(Connection client) {
        InetAddress address = client.address();
        boolean exempt = exempt(address);
        ClientKey key = address == null ? null : ClientKey.of(address);
        Outcome outcome = switch (connections.acquire(exempt ? null : key)) {
            case TOTAL -> Outcome.TOO_MANY_CONNECTIONS;
            case PER_CLIENT -> Outcome.TOO_MANY_FROM_CLIENT;
            case OK -> Outcome.ACCEPTED;
        };
        long wait = 0;
        if (outcome == Outcome.ACCEPTED && !exempt && connectionRateLimiter != null) {
            wait = connectionRateLimiter.tryAcquire(key);
            if (wait > 0) {
                connections.release(key);
                outcome = Outcome.RATE_LIMITED;
            }
        }
        if (outcome == Outcome.ACCEPTED) {
            admitted.increment();
        } else {
            outcomes.get(outcome).increment();
        }
        if (outcome == Outcome.RATE_LIMITED) {
            rateRefusedConnections.increment();
        }
        return switch (outcome) {
            case ACCEPTED -> Verdict.accept();
            case TOO_MANY_CONNECTIONS -> Verdict.tempfail(LimitReplies.TOO_MANY_CONNECTIONS, "MAX_CONNECTIONS reached");
            case TOO_MANY_FROM_CLIENT -> Verdict.tempfail(LimitReplies.TOO_MANY_CONNECTIONS_FROM_CLIENT, "MAX_CONNECTIONS_PER_IP reached");
            case RATE_LIMITED -> Verdict.tempfail(LimitReplies.CONNECTION_RATE_LIMITED.retryIn(RateLimiter.retrySeconds(wait)),
                    "connection rate limit");
        };
    }

    /**
     * Behind a proxy the client is known only from its PROXY header, which may take seconds to
     * come: until then the connection holds a place in MAX_CONNECTIONS, so silent sockets cannot
     * outnumber the cap. False when the listener is full (counted as max_connections). The place
     * is given back by {@link #unreserve}: when the connection closes, or just before
     * {@link #onConnect} counts it again with its client.
     */
    public boolean reserve() {
        if (connections.acquireTotal()) {
            return true;
        }
        outcomes.get(Outcome.TOO_MANY_CONNECTIONS).increment();
        return false;
    }

    public void unreserve() {
        connections.releaseTotal();
    }

    /** Ends an accepted connection's count (the chain calls it once per accepted connection). */
    @Override
    public void onDisconnect(Connection client) {
        InetAddress address = client.address();
        connections.release(exempt(address) ? null : ClientKey.of(address));
    }

    /**
     * One token for a new message, taken at MAIL FROM: a message attempt counts whether or not
     * it is accepted in the end, and an over-limit client is refused before it sends any data
     * (charging at end of data would let it spend our bandwidth, spool and checks first).
     */
    @Override
    public Verdict onMail(Connection client, Mailbox sender) {
        if (rateLimiter == null || exempt(client.address())) {
            return Verdict.accept();
        }
        long wait = rateLimiter.tryAcquire(ClientKey.of(client.address()));
        if (wait == 0) {
            return Verdict.accept();
        }
        messagesLimited.increment();
        return Verdict.tempfail(LimitReplies.MESSAGE_RATE_LIMITED.retryIn(RateLimiter.retrySeconds(wait)), "message rate limit");
    }

    /** Greylisting of the (client network, sender, recipient) triplet, when enabled. */
    @Override
    public Verdict onRcpt(Connection client, Mailbox sender, Recipient recipient) {
        if (greylist == null || exempt(client.address())) {
            return Verdict.accept();
        }
        long wait = greylist.check(ClientKey.greylistNetwork(client.address()), sender.toString(), recipient.mailbox().toString());
        if (wait == 0) {
            return Verdict.accept();
        }
        greylisted.increment();
        return Verdict.tempfail(LimitReplies.GREYLISTED.retryIn(Math.max(1, (wait + 999) / 1000)), "greylisted");
    }

    /** Whitelisted clients (and a transport without addresses) skip the per-client cap, the rate limit and greylisting. */
    private boolean exempt(InetAddress address) {
        return address == null || limits.whitelist().contains(address);
    }

    private void cleanup() {
        try {
            if (rateLimiter != null) {
                int removed = rateLimiter.cleanup();
                LOG.debug("rate limit: dropped {} idle buckets", removed);
            }
            if (connectionRateLimiter != null) {
                connectionRateLimiter.cleanup();
            }
            if (greylist != null) {
                greylist.cleanup();
            }
        } catch (RuntimeException e) {
            LOG.warn("limits cleanup failed: {}", e.toString());
        }
    }

    private void flushGreylist() {
        greylist.flush();
    }

    /** Connections decided with this outcome since start (for logs and metrics). */
    public long count(Outcome outcome) {
        return outcome == Outcome.ACCEPTED ? admitted.sum() : (long) outcomes.get(outcome).count();
    }

    /** MAIL commands refused by the rate limit since start. */
    public long messagesRateLimited() {
        return (long) messagesLimited.count();
    }

    /** RCPT commands greylisted since start. */
    public long recipientsGreylisted() {
        return (long) greylisted.count();
    }

    public ConnectionCounter connections() {
        return connections;
    }

    /** The message rate limiter, or null when RATE_LIMIT_ENABLED is false. */
    public TokenBuckets rateLimiter() {
        return rateLimiter;
    }

    private static Counter rateLimited(MeterRegistry registry, String phase) {
        return Counter.builder("smtp.rate.limited")
                .description("Rate-limit refusals: connections at connect (CONNECTION_RATE_LIMIT_PER_MINUTE), messages at MAIL (RATE_LIMIT_PER_MINUTE)")
                .tag("phase", phase).register(registry);
    }

    @Override
    public synchronized void close() {
        LOG.info("connection policy: accepted {}, refused {} (total cap), {} (per-client cap), {} (rate); "
                        + "MAIL rate-limited {}, RCPT greylisted {}", count(Outcome.ACCEPTED), count(Outcome.TOO_MANY_CONNECTIONS),
                count(Outcome.TOO_MANY_FROM_CLIENT), count(Outcome.RATE_LIMITED), messagesRateLimited(), recipientsGreylisted());
        if (scheduler != null) {
            scheduler.shutdown();
            try {
                scheduler.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            scheduler = null;
        }
        if (greylist != null) {
            greylist.close();
        }
    }
}
