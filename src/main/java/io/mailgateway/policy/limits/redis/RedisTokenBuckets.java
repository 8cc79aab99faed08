package io.mailgateway.policy.limits.redis;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.api.StatefulRedisConnection;
import io.mailgateway.policy.limits.ClientKey;
import io.mailgateway.policy.limits.TokenBuckets;
import io.micrometer.core.instrument.Counter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * A token bucket per client in Redis, shared by every node: Bucket4j's compare-and-swap on a
 * key {@code mailgateway:rl:NAME:RATE-BURST:CLIENT} (one Lua script per take, so nodes never lose
 * each other's tokens). NAME carries the limit and the listener, and the key its rate and burst,
 * because the configuration is stored with the bucket: a key shared by two listeners would keep
 * the limits of whichever created it. So each listener keeps its own limits, as in memory. The same bucket as {@link io.mailgateway.policy.limits.RateLimiter}:
 * {@code burst} tokens, refilled greedily at {@code perMinute} a minute, a new client starts full.
 * A key expires once its bucket would be full again (plus a minute), so Redis holds only busy clients.
 *
 * <p>Time is the nodes' wall clock (Bucket4j's client-side clock): nodes need NTP, as for
 * everything else in mail. When Redis fails or is slower than REDIS_TIMEOUT the client passes
 * (fail open, counted and logged once by {@link BackendOutage}), and so do the next clients,
 * without asking, until {@link BackendOutage} lets one try again.
 */
final class RedisTokenBuckets implements TokenBuckets {

    private final String prefix;
    private final List<ProxyManager<String>> managers;
    private final Supplier<BucketConfiguration> configuration;
    private final BackendOutage outage;
    private final Counter errors;

    RedisTokenBuckets(String name, int perMinute, int burst, Clock clock, List<StatefulRedisConnection<String, byte[]>> connections,
                      Duration timeout, BackendOutage outage) {
        this.prefix = RedisLimits.PREFIX + "rl:" + name + ":" + perMinute + "-" + burst + ":";
        BucketConfiguration config = BucketConfiguration.builder()
                .addLimit(Bandwidth.builder().capacity(burst).refillGreedy(perMinute, Duration.ofMinutes(1)).build())
                .build();
        this.configuration = () -> config;
        TimeMeter wallClock = wallClock(clock);
        this.managers = connections.stream().map(c -> (ProxyManager<String>) Bucket4jLettuce.casBasedBuilder(c)
                .clientClock(wallClock)
                .requestTimeout(timeout)
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofMinutes(1)))
                .build()).toList();
        this.outage = outage;
        this.errors = outage.errors("rate_limit");
    }

    @Override
    public long tryAcquire(ClientKey client) {
        String key = prefix + client.text();
        ProxyManager<String> manager = managers.get(Math.floorMod(key.hashCode(), managers.size()));
        if (outage.skip(errors)) {
            return 0;
        }
        ConsumptionProbe probe;
        try {
            probe = manager.getProxy(key, configuration).tryConsumeAndReturnRemaining(1);
        } catch (RuntimeException e) {
            outage.failed(errors, e);
            return 0;
        }
        outage.answered();
        return probe.isConsumed() ? 0 : Math.max(1, probe.getNanosToWaitForRefill());
    }

    /** Nanoseconds since the epoch from {@code clock}: comparable across nodes, unlike System.nanoTime. */
    private static TimeMeter wallClock(Clock clock) {
        return new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                Instant now = clock.instant();
                return now.getEpochSecond() * 1_000_000_000L + now.getNano();
            }

            @Override
            public boolean isWallClockBased() {
                return true;
            }
        };
    }
}
