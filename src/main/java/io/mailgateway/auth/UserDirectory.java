package io.mailgateway.auth;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import io.mailgateway.policy.limits.Ticker;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;

/**
 * Users as AUTH and the sender rule read them: the {@link UserStore} behind a cache of rows
 * (USER_CACHE_ENABLED, USER_CACHE_TTL, USER_CACHE_SIZE).
 *
 * <p>What is cached is the row (hash, enabled flag, aliases), never a password or anything
 * derived from one: every login still runs Argon2 against the cached hash. Caching "this
 * password was right" (a fast keyed hash of it) would save that work, but a heap dump would
 * then hold verifiers that a GPU tests billions of times faster than Argon2, and one verification
 * per submission session is affordable. The cache saves the database round trip and keeps known
 * users logging in while the database is briefly away. Only existing users are cached, so a user
 * added with the command line can log in at once.
 *
 * <p>A change made with the command line (another process) reaches a running gateway through
 * {@link #watch}: every USER_CACHE_CHECK_INTERVAL seconds one aggregate query of the users table
 * ({@link UserStore#fingerprint()}); when it changed, every cached row is dropped. Without the
 * check (interval 0) or while it fails, the rows expire after USER_CACHE_TTL. Thread-safe.
 */
public final class UserDirectory {

    /** The users database could not be read; the caller answers with a temporary failure. */
    public static final class Unavailable extends RuntimeException {
        Unavailable(SQLException cause) {
            super("users database unavailable: " + cause.getMessage(), cause);
        }
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(UserDirectory.class);

    private final UserStore store;
    private final Cache<String, User> cache;
    private volatile String lastFingerprint;

    /** @param ttl 0 or {@code size} 0 turns the cache off */
    public UserDirectory(UserStore store, boolean enabled, Duration ttl, int size, Ticker ticker) {
        this.store = store;
        this.cache = enabled && !ttl.isZero() && size > 0
                ? CacheBuilder.newBuilder().maximumSize(size).expireAfterWrite(ttl).ticker(new com.google.common.base.Ticker() {
                    @Override
                    public long read() {
                        return ticker.nanos();
                    }
                }).build()
                : null;
    }

    /** The user with this canonical address; empty when there is none. */
    public Optional<User> find(String address) {
        User cached = cache == null ? null : cache.getIfPresent(address);
        if (cached != null) {
            return Optional.of(cached);
        }
        try {
            Optional<User> user = store.find(address);
            if (cache != null) {
                user.ifPresent(u -> cache.put(address, u));
            }
            return user;
        } catch (SQLException e) {
            throw new Unavailable(e);
        }
    }

    /** Forgets a cached row (after this process changed it, e.g. a rehash). */
    public void invalidate(String address) {
        if (cache != null) {
            cache.invalidate(address);
        }
    }

    UserStore store() {
        return store;
    }

    /**
     * Checks for changes every {@code interval} on a daemon thread until the returned handle is
     * closed; nothing to watch without a cache.
     */
    public AutoCloseable watch(Duration interval) {
        if (cache == null || interval.isZero()) {
            return () -> { };
        }
        java.util.concurrent.ScheduledExecutorService timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "user-cache-check");
            t.setDaemon(true);
            return t;
        });
        checkForChanges();
        timer.scheduleWithFixedDelay(this::checkForChanges, interval.toMillis(), interval.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        return timer::shutdownNow;
    }

    /** Drops every cached row when the users table changed since the last check (the timer's task). */
    void checkForChanges() {
        if (cache == null) {
            return;
        }
        try {
            String now = store.fingerprint();
            if (lastFingerprint != null && !lastFingerprint.equals(now)) {
                cache.invalidateAll();
                LOG.debug("users table changed: user cache cleared");
            }
            lastFingerprint = now;
        } catch (SQLException e) {
            // The cached rows stay, each until its USER_CACHE_TTL.
            LOG.debug("user cache check failed: {}", e.getMessage());
        }
    }
}
