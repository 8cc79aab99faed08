package io.mailgateway.auth;

import io.mailgateway.policy.limits.ClientKey;
import io.mailgateway.policy.limits.Ticker;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Failed AUTH attempts counted per client (IPv4 address or IPv6 /64, {@link ClientKey}) and per
 * account. Each failure within AUTH_FAILURE_WINDOW makes the next reply wait longer
 * (AUTH_FAILURE_DELAY, doubled per failure, at most {@link #MAX_DELAY}); the
 * AUTH_MAX_FAILURES-th blocks that client or account for AUTH_BLOCK_TIME, during which AUTH is
 * refused without looking at the password. Counting the account too stops a botnet that tries
 * one password per address; counting the client stops one address that tries many accounts.
 *
 * <p>An account's block does not stop a client (address, IPv6 /64) that has logged in to that
 * account before (in this process, or within 30 days by the audit log, {@link KnownClients}):
 * anyone who knows a user's address could otherwise
 * keep the user locked out, 5 wrong passwords every AUTH_BLOCK_TIME from one host. Names that are
 * no account are counted and blocked the same way, in a table of their own (spraying them cannot
 * crowd out the real accounts'), so neither the reply nor its timing tells which accounts exist.
 *
 * <p>Bounded: at most {@code maxTracked} clients and as many accounts; expired entries are
 * swept when the table is full (and by {@link #sweep()}). When still full, a new client's
 * failures are not counted (logged), while the per-account count still protects every account.
 * Thread-safe; time from a {@link Ticker}, so tests step it.
 */
public final class AuthLimiter {

    /** What one more failure did: how long the reply waits, and whether it started a block. */
    public record Failure(Duration delay, Optional<Duration> blockedFor, String blockedScope) {
    }

    static final Duration MAX_DELAY = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(AuthLimiter.class);

    private final int maxFailures;
    private final long windowNanos;
    private final long blockNanos;
    private final Duration firstDelay;
    private final int maxTracked;
    private final Ticker ticker;
    private final Map<ClientKey, Entry> clients = new ConcurrentHashMap<>();
    private final Map<String, Entry> accounts = new ConcurrentHashMap<>();
    private final Map<String, Entry> unknownAccounts = new ConcurrentHashMap<>();
    /** Per account, the clients that logged in to it (at most {@link #KNOWN_CLIENTS_PER_ACCOUNT}). */
    private final Map<String, Set<ClientKey>> knownClients = new ConcurrentHashMap<>();
    static final int KNOWN_CLIENTS_PER_ACCOUNT = 16;
    private volatile long lastFullWarning = Long.MIN_VALUE / 2;

    public AuthLimiter(int maxFailures, Duration window, Duration blockTime, Duration firstDelay, int maxTracked, Ticker ticker) {
        this.maxFailures = maxFailures;
        this.windowNanos = window.toNanos();
        this.blockNanos = blockTime.toNanos();
        this.firstDelay = firstDelay;
        this.maxTracked = maxTracked;
        this.ticker = ticker;
    }

    /** Failures of one client or one account, and its block. Guarded by itself. */
    private static final class Entry {
        long windowStart;
        int failures;
        /** Ticker values may be negative: "not blocked" is blockedUntil <= now, so it starts at now. */
        long blockedUntil;

        Entry(long now) {
            windowStart = now;
            blockedUntil = now;
        }
    }

    /**
     * How much longer the client or the account is blocked (the longer of the two), if at all;
     * an account's block does not count for a client that logged in to it before.
     */
    public Optional<Duration> blockedFor(InetAddress client, String account) {
        long now = ticker.nanos();
        ClientKey key = ClientKey.of(client);
        long left = remaining(clients.get(key), now);
        if (account != null && !knownClients.getOrDefault(account, Set.of()).contains(key)) {
            left = Math.max(left, Math.max(remaining(accounts.get(account), now), remaining(unknownAccounts.get(account), now)));
        }
        return left > 0 ? Optional.of(Duration.ofNanos(left)) : Optional.empty();
    }

    /**
     * How long the reply to a failed AUTH waits given the failures counted so far: nothing before
     * the first, then AUTH_FAILURE_DELAY doubled per failure (of the client or the account,
     * whichever has more), at most {@link #MAX_DELAY}.
     */
    public Duration delayFor(InetAddress client, String account) {
        long now = ticker.nanos();
        int n = Math.max(failures(clients.get(ClientKey.of(client)), now),
                account == null ? 0 : failures(accounts.get(account), now));
        return delay(n);
    }

    /** {@link #recordFailure(InetAddress, String, boolean)} of an existing account. */
    public Failure recordFailure(InetAddress client, String account) {
        return recordFailure(client, account, true);
    }

    /**
     * Counts a failure of {@code client} and of {@code account} (null: no name to count), an
     * existing account or not ({@code exists}: which table counts it).
     */
    public Failure recordFailure(InetAddress client, String account, boolean exists) {
        long now = ticker.nanos();
        Entry c = entry(clients, ClientKey.of(client), now);
        int n = c == null ? 0 : count(c, now);
        boolean clientBlocked = c != null && n >= maxFailures;
        if (clientBlocked) {
            block(c, now);
        }
        int m = 0;
        boolean accountBlocked = false;
        if (account != null) {
            Entry a = entry(exists ? accounts : unknownAccounts, account, now);
            m = a == null ? 0 : count(a, now);
            accountBlocked = a != null && m >= maxFailures;
            if (accountBlocked) {
                block(a, now);
            }
        }
        if (clientBlocked || accountBlocked) {
            return new Failure(Duration.ZERO, Optional.of(Duration.ofNanos(blockNanos)), clientBlocked ? "client" : "account");
        }
        return new Failure(delay(Math.max(n, m)), Optional.empty(), null);
    }

    /**
     * A successful login clears its account's failures (not the client's: one good account must
     * not reset guessing at others), but not a block: that still holds clients new to the account.
     */
    public void recordSuccess(String account) {
        Entry e = accounts.get(account);
        if (e != null) {
            synchronized (e) {
                e.failures = 0;
            }
        }
    }

    /** The same, and {@code client} may log in to {@code account} from now on whatever the account's block. */
    public void recordSuccess(String account, InetAddress client) {
        recordSuccess(account);
        if (!knownClients.containsKey(account) && knownClients.size() >= maxTracked) {
            return; // bounded: then only the accounts already known keep their clients
        }
        Set<ClientKey> known = knownClients.computeIfAbsent(account, a -> ConcurrentHashMap.newKeySet());
        if (known.size() >= KNOWN_CLIENTS_PER_ACCOUNT) {
            known.remove(known.iterator().next()); // full: one goes, any one
        }
        known.add(ClientKey.of(client));
    }

    /** Drops entries with neither a block nor a failure in the window. */
    public void sweep() {
        long now = ticker.nanos();
        clients.values().removeIf(e -> idle(e, now));
        accounts.values().removeIf(e -> idle(e, now));
        unknownAccounts.values().removeIf(e -> idle(e, now));
    }

    int tracked() {
        return clients.size() + accounts.size() + unknownAccounts.size();
    }

    private Duration delay(int failures) {
        if (failures <= 0) {
            return Duration.ZERO;
        }
        Duration d = firstDelay.multipliedBy(1L << Math.min(failures - 1, 20));
        return d.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : d;
    }

    private <K> Entry entry(Map<K, Entry> table, K key, long now) {
        Entry e = table.get(key);
        if (e != null) {
            return e;
        }
        if (table.size() >= maxTracked) {
            sweep();
            if (table.size() >= maxTracked) {
                if (now - lastFullWarning > 60_000_000_000L) {
                    lastFullWarning = now;
                    LOG.warn("AUTH limiter: {} entries tracked (AUTH_MAX_TRACKED); failures of new clients are not counted", maxTracked);
                }
                return null;
            }
        }
        return table.computeIfAbsent(key, k -> new Entry(now));
    }

    /** One more failure in the window; returns the count. */
    private int count(Entry e, long now) {
        synchronized (e) {
            if (e.failures == 0 || now - e.windowStart > windowNanos) {
                e.windowStart = now;
                e.failures = 0;
            }
            return ++e.failures;
        }
    }

    /** Starts a block and resets the count. */
    private void block(Entry e, long now) {
        synchronized (e) {
            e.blockedUntil = now + blockNanos;
            e.failures = 0;
        }
    }

    private long remaining(Entry e, long now) {
        if (e == null) {
            return 0;
        }
        synchronized (e) {
            return Math.max(0, e.blockedUntil - now);
        }
    }

    private int failures(Entry e, long now) {
        if (e == null) {
            return 0;
        }
        synchronized (e) {
            return now - e.windowStart > windowNanos ? 0 : e.failures;
        }
    }

    private boolean idle(Entry e, long now) {
        synchronized (e) {
            return e.blockedUntil - now <= 0 && (e.failures == 0 || now - e.windowStart > windowNanos);
        }
    }
}
