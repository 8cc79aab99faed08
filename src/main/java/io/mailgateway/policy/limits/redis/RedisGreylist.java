package io.mailgateway.policy.limits.redis;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.mailgateway.policy.limits.Greylist;
import io.mailgateway.policy.limits.GreylistTriplets;
import io.micrometer.core.instrument.Counter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The greylist in Redis, shared by every node, with the answers of {@link Greylist}: one key per
 * triplet, {@code mailgateway:gl:} + {@link Greylist#key}, holding the first-seen time (epoch
 * milliseconds) while the triplet waits, or {@code passed}. Redis expires each key itself: a
 * waiting triplet after GREYLIST_EXPIRY, a passed one after GREYLIST_PASS_LIFETIME, renewed on
 * each use. A new triplet is created with SET NX, so when two nodes see it at once one first-seen
 * time wins and both answer from it. Two round trips per RCPT (GET, then SET NX or a renewal).
 *
 * <p>New triplets are anyone's input (a spammer can make one per message and recipient), so at
 * most GREYLIST_MAX_ENTRIES are recorded per GREYLIST_EXPIRY, counted by every node in one key
 * ({@code mailgateway:gl-new}, expiring with its window, one more round trip per new triplet);
 * past it a new triplet passes unrecorded, as when the in-memory table is full. Without the cap a
 * flood filled Redis, and then the rate limits' writes failed (maxmemory-policy noeviction) or
 * their short-lived buckets were evicted first (volatile-ttl): the rate limits went open too.
 *
 * <p>When Redis fails or is slower than REDIS_TIMEOUT the recipient passes (fail open, counted
 * and logged once by {@link BackendOutage}): greylisting is a heuristic, and a 451 for every
 * recipient while Redis is away would delay all mail from every new and known sender alike.
 */
final class RedisGreylist implements GreylistTriplets {

    private static final byte[] PASSED = "passed".getBytes(StandardCharsets.US_ASCII);
    private static final String NEW_COUNTER = RedisLimits.PREFIX + "gl-new";
    /** Counts one new triplet; the first of a window starts its expiry (atomic: the counter never outlives it). */
    private static final String COUNT_NEW = "local n = redis.call('INCR', KEYS[1]) "
            + "if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return n";

    private final long delay;
    private final long expiry;
    private final long passLifetime;
    private final int maxNew;
    private final Clock clock;
    private final List<StatefulRedisConnection<String, byte[]>> connections;
    private final BackendOutage outage;
    private final Counter errors;

    RedisGreylist(Duration delay, Duration expiry, Duration passLifetime, int maxNew, Clock clock,
                  List<StatefulRedisConnection<String, byte[]>> connections, BackendOutage outage) {
        this.delay = delay.toMillis();
        this.expiry = expiry.toMillis();
        this.passLifetime = passLifetime.toMillis();
        this.maxNew = maxNew;
        this.clock = clock;
        this.connections = connections;
        this.outage = outage;
        this.errors = outage.errors("greylist");
    }

    @Override
    public long check(String network, String sender, String recipient) {
        String key = RedisLimits.PREFIX + "gl:" + Greylist.key(network, sender, recipient);
        if (outage.skip(errors)) {
            return 0;
        }
        RedisCommands<String, byte[]> redis = connections.get(Math.floorMod(key.hashCode(), connections.size())).sync();
        long wait;
        try {
            wait = check(redis, key, clock.millis());
        } catch (RuntimeException e) {
            outage.failed(errors, e);
            return 0;
        }
        outage.answered();
        return wait;
    }

    private long check(RedisCommands<String, byte[]> redis, String key, long now) {
        // Twice at most: a key that expires between GET and SET NX is simply new on the second pass.
        for (int attempt = 0; attempt < 2; attempt++) {
            byte[] value = redis.get(key);
            if (value == null) {
                if (!roomForNew(redis)) {
                    return 0; // passes unrecorded
                }
                if (delay == 0) {
                    redis.set(key, PASSED, SetArgs.Builder.px(passLifetime));
                    return 0;
                }
                if ("OK".equals(redis.set(key, firstSeen(now), SetArgs.Builder.nx().px(expiry)))) {
                    return delay;
                }
                continue; // another node created it just now: answer from its first-seen time
            }
            long first = Arrays.equals(value, PASSED) ? Long.MIN_VALUE : parse(value);
            if (first == Long.MIN_VALUE || now >= first + delay) {
                redis.set(key, PASSED, SetArgs.Builder.px(passLifetime)); // passes, and keeps passing
                return 0;
            }
            return first + delay - now;
        }
        return 0;
    }

    private boolean roomForNew(RedisCommands<String, byte[]> redis) {
        Long n = redis.eval(COUNT_NEW, ScriptOutputType.INTEGER, new String[] {NEW_COUNTER},
                Long.toString(expiry).getBytes(StandardCharsets.US_ASCII));
        return n != null && n <= maxNew;
    }

    private static byte[] firstSeen(long now) {
        return Long.toString(now).getBytes(StandardCharsets.US_ASCII);
    }

    /** A value not written by us (an operator's edit) counts as passed rather than failing every RCPT. */
    private static long parse(byte[] value) {
        try {
            return Long.parseLong(new String(value, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            return Long.MIN_VALUE;
        }
    }
}
