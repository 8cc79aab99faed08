package io.mailgateway.policy.limits;

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
 *   <li>connect ({@link #admit}): total cap, per-client cap, one rate-limit token;</li>
 *   <li>MAIL ({@link #chargeMessage}): one rate-limit token per message;</li>
 *   <li>RCPT ({@link #greylist}): greylisting, when enabled.</li>
 * </ul>
 * Clients in the whitelist skip the per-client cap, the rate limit and greylisting (like
 * Postfix's {@code smtpd_client_event_limit_exceptions}); they still count in the total.
 *
 * <p>Lifecycle: build, {@link #start} (schedules idle-bucket cleanup and the greylist's write
 * behind on one daemon thread), use from any thread, {@link #close} (last greylist write).
 * Knows nothing of SMTP: it answers with outcomes and seconds, the session turns them into replies.
 */
public final class ConnectionPolicy implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionPolicy.class);

    /** The limits; see docs/policy.md and the keys of the same names in docs/configuration.md. */
    public record Limits(int maxConnections, int maxConnectionsPerIp,
                         boolean rateLimitEnabled, int ratePerMinute, int rateBurst, CidrSet whitelist,
                         Duration cleanupInterval, int maxTracked,
                         boolean greylistEnabled, Duration greylistDelay, Duration greylistExpiry,
                         Duration greylistPassLifetime, int greylistMaxEntries, Path greylistDb) {

        /** No caps that matter, no rate limit, no greylisting. */
        public static Limits none() {
            return new Limits(Integer.MAX_VALUE, 0, false, 1, 1, CidrSet.empty(), Duration.ofMinutes(1), 1,
                    false, Duration.ZERO, Duration.ofHours(4), Duration.ofDays(36), 1, null);
        }
    }

    /** What {@link #admit} decided. */
    public enum Outcome { ACCEPTED, TOO_MANY_CONNECTIONS, TOO_MANY_FROM_CLIENT, RATE_LIMITED }

    /** One connection's standing: keep it for the session, {@link #release} it at the end. */
    public static final class Admission {
        private final Outcome outcome;
        private final long retrySeconds;
        private final InetAddress address;
        private final ClientKey key;
        private final boolean exempt;
        private boolean released;

        private Admission(Outcome outcome, long retrySeconds, InetAddress address, ClientKey key, boolean exempt) {
            this.outcome = outcome;
            this.retrySeconds = retrySeconds;
            this.address = address;
            this.key = key;
            this.exempt = exempt;
        }

        public Outcome outcome() {
            return outcome;
        }

        public boolean accepted() {
            return outcome == Outcome.ACCEPTED;
        }

        /** For RATE_LIMITED: whole seconds until a token is there. */
        public long retrySeconds() {
            return retrySeconds;
        }

        /** Whether the client is in the whitelist. */
        public boolean exempt() {
            return exempt;
        }
    }

    private final Limits limits;
    private final EnumMap<Outcome, LongAdder> outcomes = new EnumMap<>(Outcome.class);
    private final LongAdder messagesLimited = new LongAdder();
    private final LongAdder greylisted = new LongAdder();
    private final ConnectionCounter connections;
    private final RateLimiter rateLimiter;
    private final Greylist greylist;
    private ScheduledExecutorService scheduler;

    public ConnectionPolicy(Limits limits) {
        this(limits, Ticker.SYSTEM, Clock.systemUTC());
    }

    /** With the clocks given: tests step time instead of sleeping. */
    public ConnectionPolicy(Limits limits, Ticker ticker, Clock clock) {
        this.limits = limits;
        for (Outcome o : Outcome.values()) {
            outcomes.put(o, new LongAdder());
        }
        this.connections = new ConnectionCounter(limits.maxConnections(), limits.maxConnectionsPerIp());
        this.rateLimiter = limits.rateLimitEnabled()
                ? new RateLimiter(limits.ratePerMinute(), limits.rateBurst(), limits.maxTracked(), ticker) : null;
        this.greylist = limits.greylistEnabled()
                ? new Greylist(limits.greylistDelay(), limits.greylistExpiry(), limits.greylistPassLifetime(),
                        limits.greylistMaxEntries(), clock, limits.greylistDb() == null ? null : GreylistStore.open(limits.greylistDb()))
                : null;
    }

    public synchronized void start() {
        if (scheduler != null || (rateLimiter == null && greylist == null)) {
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

    /** Counts a new connection and takes its token; on refusal nothing stays counted. */
    public Admission admit(InetAddress address) {
        Admission a = decide(address);
        outcomes.get(a.outcome).increment();
        return a;
    }

    private Admission decide(InetAddress address) {
        boolean exempt = address == null || limits.whitelist().contains(address);
        ClientKey key = address == null ? null : ClientKey.of(address);
        ConnectionCounter.Verdict verdict = connections.acquire(exempt ? null : key);
        switch (verdict) {
            case TOTAL -> {
                return new Admission(Outcome.TOO_MANY_CONNECTIONS, 0, address, key, exempt);
            }
            case PER_CLIENT -> {
                return new Admission(Outcome.TOO_MANY_FROM_CLIENT, 0, address, key, exempt);
            }
            case OK -> { }
        }
        if (!exempt && rateLimiter != null) {
            long wait = rateLimiter.tryAcquire(key);
            if (wait > 0) {
                connections.release(key);
                return new Admission(Outcome.RATE_LIMITED, RateLimiter.retrySeconds(wait), address, key, exempt);
            }
        }
        return new Admission(Outcome.ACCEPTED, 0, address, key, exempt);
    }

    /** Ends an accepted connection's count; safe to call more than once, a no-op for refusals. */
    public void release(Admission a) {
        if (a.accepted() && !a.released) {
            a.released = true;
            connections.release(a.exempt ? null : a.key);
        }
    }

    /** One token for a new message (at MAIL FROM). @return 0, or whole seconds to wait */
    public long chargeMessage(Admission a) {
        if (a.exempt || rateLimiter == null) {
            return 0;
        }
        long wait = rateLimiter.tryAcquire(a.key);
        if (wait == 0) {
            return 0;
        }
        messagesLimited.increment();
        return RateLimiter.retrySeconds(wait);
    }

    /**
     * Greylisting at RCPT. @param sender envelope sender, empty for {@code <>}
     * @return 0 to accept the recipient, else whole seconds until a retry passes
     */
    public long greylist(Admission a, String sender, String recipient) {
        if (greylist == null || a.exempt) {
            return 0;
        }
        long wait = greylist.check(ClientKey.greylistNetwork(a.address), sender, recipient);
        if (wait == 0) {
            return 0;
        }
        greylisted.increment();
        return Math.max(1, (wait + 999) / 1000);
    }

    private void cleanup() {
        try {
            if (rateLimiter != null) {
                int removed = rateLimiter.cleanup();
                LOG.debug("rate limit: dropped {} idle buckets, {} left", removed, rateLimiter.tracked());
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
        return outcomes.get(outcome).sum();
    }

    /** MAIL commands refused by the rate limit since start. */
    public long messagesRateLimited() {
        return messagesLimited.sum();
    }

    /** RCPT commands greylisted since start. */
    public long recipientsGreylisted() {
        return greylisted.sum();
    }

    public ConnectionCounter connections() {
        return connections;
    }

    /** The rate limiter, or null when RATE_LIMIT_ENABLED is false. */
    public RateLimiter rateLimiter() {
        return rateLimiter;
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
