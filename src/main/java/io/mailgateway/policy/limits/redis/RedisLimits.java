package io.mailgateway.policy.limits.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.mailgateway.config.ConfigException;
import io.mailgateway.policy.limits.GreylistTriplets;
import io.mailgateway.policy.limits.SharedLimits;
import io.mailgateway.policy.limits.Ticker;
import io.mailgateway.policy.limits.TokenBuckets;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CACHE_BACKEND=redis: rate-limit buckets ({@link RedisTokenBuckets}) and greylisting
 * ({@link RedisGreylist}) in one Redis, shared by every node pointed at it. Keys start with
 * {@value #PREFIX} and every key carries a TTL, so Redis never grows without bound.
 *
 * <p>Lifecycle: {@link #connect} at startup opens REDIS_POOL_SIZE Lettuce connections and
 * refuses to start (a {@link ConfigException} naming REDIS_HOST:REDIS_PORT) when Redis does not
 * answer; the listeners then take their buckets and greylist from it; {@link #close} at stop.
 * While running, a lost connection is reconnected in the background; meanwhile requests fail at
 * once (not queued) and the limits let mail pass, see {@link BackendOutage}.
 *
 * <p>The checks are synchronous, on the session's event loop: a MAIL or RCPT waits one or two
 * loopback round trips (tens of microseconds). A request that fails or takes REDIS_TIMEOUT makes
 * the next checks skip Redis for a back-off ({@link BackendOutage}), so a hung Redis holds an
 * event loop for REDIS_TIMEOUT once per back-off, not once per command.
 */
public final class RedisLimits implements SharedLimits, AutoCloseable {

    static final String PREFIX = "mailgateway:";
    private static final Logger LOG = LoggerFactory.getLogger(RedisLimits.class);

    private final RedisSettings settings;
    private final RedisClient client;
    private final List<StatefulRedisConnection<String, byte[]>> connections;
    private final BackendOutage outage;

    private RedisLimits(RedisSettings settings, RedisClient client, List<StatefulRedisConnection<String, byte[]>> connections,
                        MeterRegistry registry) {
        this.settings = settings;
        this.client = client;
        this.connections = List.copyOf(connections);
        this.outage = new BackendOutage(settings.address(), registry, BackendOutage.backOff(settings.timeout()), Ticker.SYSTEM);
    }

    public static RedisLimits connect(RedisSettings settings, MeterRegistry registry) {
        RedisURI.Builder uri = RedisURI.builder().withHost(settings.host()).withPort(settings.port())
                .withDatabase(settings.database()).withTimeout(settings.timeout());
        if (!settings.password().isEmpty()) {
            uri.withPassword(settings.password().toCharArray());
        }
        RedisClient client = RedisClient.create(uri.build());
        client.setOptions(ClientOptions.builder()
                // while reconnecting, fail at once (the limits fail open) instead of queueing commands
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(settings.timeout()).build())
                .timeoutOptions(TimeoutOptions.enabled(settings.timeout()))
                .build());
        List<StatefulRedisConnection<String, byte[]>> connections = new ArrayList<>();
        for (int attempt = 1; ; attempt++) {
            try {
                for (int i = 0; i < settings.poolSize(); i++) {
                    StatefulRedisConnection<String, byte[]> c = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
                    connections.add(c);
                    c.sync().ping();
                }
                break;
            } catch (RuntimeException e) {
                connections.forEach(StatefulRedisConnection::close);
                connections.clear();
                // Nodes and Redis often start together (a machine's reboot): a few tries before refusing.
                if (attempt < START_ATTEMPTS) {
                    LOG.warn("Redis at {} does not answer yet ({}); trying again in 1 s ({} of {})",
                            settings.address(), rootCause(e), attempt, START_ATTEMPTS);
                    pauseBeforeRetry();
                    continue;
                }
                client.shutdown(0, 2, TimeUnit.SECONDS);
                throw new ConfigException("CACHE_BACKEND", "redis, but Redis at REDIS_HOST:REDIS_PORT = " + settings.address()
                        + " (REDIS_DB " + settings.database() + ") does not answer: " + rootCause(e)
                        + "; start Redis, correct REDIS_HOST/REDIS_PORT/REDIS_PASSWORD, or set CACHE_BACKEND=memory on a single node");
            }
        }
        LOG.info("rate limits and greylisting shared in Redis at {} (database {}, {} connections)",
                settings.address(), settings.database(), connections.size());
        return new RedisLimits(settings, client, connections, registry);
    }

    /** Tries at startup, 1 s apart, before Redis that does not answer stops the start. */
    static final int START_ATTEMPTS = 5;

    private static void pauseBeforeRetry() {
        try {
            Thread.sleep(1_000);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Redis", interrupted);
        }
    }

    private static String rootCause(Throwable e) {
        StringBuilder s = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            s.append(" (").append(c.getMessage()).append(')');
        }
        return s.toString();
    }

    @Override
    public TokenBuckets tokenBuckets(String name, int perMinute, int burst, Clock clock) {
        return new RedisTokenBuckets(name, perMinute, burst, clock, connections, settings.timeout(), outage);
    }

    @Override
    public GreylistTriplets greylist(Duration delay, Duration expiry, Duration passLifetime, int maxNew, Clock clock) {
        return new RedisGreylist(delay, expiry, passLifetime, maxNew, clock, connections, outage);
    }

    /** Whether the last request failed (for tests and a health view). */
    public boolean isDown() {
        return outage.isDown();
    }

    @Override
    public void close() {
        connections.forEach(StatefulRedisConnection::close);
        client.shutdown(0, 2, TimeUnit.SECONDS);
    }

    @Override
    public String toString() {
        return "Redis at " + settings.address() + " database " + settings.database();
    }
}
