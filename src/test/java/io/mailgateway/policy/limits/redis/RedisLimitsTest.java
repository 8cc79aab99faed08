package io.mailgateway.policy.limits.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.mailgateway.message.Mailbox;
import io.mailgateway.policy.Connection;
import io.mailgateway.policy.Verdict.Action;
import io.mailgateway.policy.limits.CidrSet;
import io.mailgateway.policy.limits.ClientKey;
import io.mailgateway.policy.limits.ConnectionPolicy;
import io.mailgateway.policy.limits.GreylistTriplets;
import io.mailgateway.policy.limits.TokenBuckets;
import io.mailgateway.testing.RedisProcess;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared limits against a real redis-server (Debian's, a free loopback port, nothing on disk). */
class RedisLimitsTest {

    @TempDir
    Path dir;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private RedisProcess redis;
    private RedisLimits shared;

    @BeforeEach
    void start() throws Exception {
        redis = RedisProcess.start(dir.resolve("redis"));
        shared = RedisLimits.connect(new RedisSettings("127.0.0.1", redis.port(), 0, "", 2, Duration.ofMillis(1000)), meters);
    }

    @AfterEach
    void stop() throws Exception {
        shared.close();
        redis.close();
    }

    @Test
    void should_fail_open_at_once_while_a_hung_redis_is_known_down() throws Exception {
        TokenBuckets buckets = shared.tokenBuckets("msg", 60, 10, Clock.systemUTC());
        GreylistTriplets greylist = shared.greylist(Duration.ofMinutes(5), Duration.ofHours(4), Duration.ofDays(36), 1000,
                Clock.systemUTC());
        ClientKey client = ClientKey.of(InetAddress.getByName("192.0.2.7"));
        assertThat(buckets.tryAcquire(client)).isZero();
        redis.pause(); // SIGSTOP: requests time out (REDIS_TIMEOUT 1 s here) instead of failing
        try {
            long start = System.nanoTime();
            // one message with 9 recipients: MAIL and 9 RCPT, each checked on the event loop
            assertThat(buckets.tryAcquire(client)).isZero();
            for (int i = 0; i < 9; i++) {
                assertThat(greylist.check("192.0.2.0/24", "s@sender.test", "r" + i + "@example.com")).isZero();
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertThat(shared.isDown()).isTrue();
            // before: each check waited its whole timeout, 10 s; now the first one does and the rest skip Redis
            assertThat(ms).as("10 checks against a hung Redis took %d ms", ms).isLessThan(4_000);
            assertThat(meters.get("smtp.cache.backend.errors").tag("op", "greylist").counter().count())
                    .as("skipped checks count as failed open").isEqualTo(9);
        } finally {
            redis.resume();
        }
    }

    @Test
    void should_keep_each_listeners_own_rate_and_burst() throws Exception {
        ClientKey client = ClientKey.of(InetAddress.getLoopbackAddress());
        TokenBuckets lax = shared.tokenBuckets("msg:25", 1000, 1000, Clock.systemUTC());
        TokenBuckets strict = shared.tokenBuckets("msg:25", 1, 1, Clock.systemUTC());
        assertThat(lax.tryAcquire(client)).isZero(); // the client met the lax configuration first
        assertThat(strict.tryAcquire(client)).isZero();
        assertThat(strict.tryAcquire(client)).as("burst 1: the second message waits").isPositive();

        // two listeners with the same limits: a bucket each, as in memory
        Connection c = Connection.from(InetAddress.getByName("192.0.2.8"));
        ConnectionPolicy port25 = new ConnectionPolicy(limits(), meters, shared, "25");
        ConnectionPolicy port587 = new ConnectionPolicy(limits(), meters, shared, "587");
        assertThat(port25.onMail(c, Mailbox.of("s@sender.test")).action()).isEqualTo(Action.ACCEPT);
        assertThat(port25.onMail(c, Mailbox.of("s@sender.test")).action()).isEqualTo(Action.TEMPFAIL);
        assertThat(port587.onMail(c, Mailbox.of("s@sender.test")).action()).as("its own burst on port 587")
                .isEqualTo(Action.ACCEPT);
    }

    @Test
    void should_keep_the_rate_limit_while_new_triplets_flood_redis() throws Exception {
        RedisClient admin = RedisClient.create("redis://127.0.0.1:" + redis.port());
        try (StatefulRedisConnection<String, String> c = admin.connect()) {
            String memory = c.sync().info("memory");
            long used = Long.parseLong(memory.lines().filter(l -> l.startsWith("used_memory:")).findFirst().orElseThrow()
                    .substring("used_memory:".length()).trim());
            // 1 MB to spare, and the policy where a full Redis refuses writes
            c.sync().configSet("maxmemory", String.valueOf(used + 1_000_000));
            c.sync().configSet("maxmemory-policy", "noeviction");
            GreylistTriplets greylist = shared.greylist(Duration.ofMinutes(5), Duration.ofHours(4), Duration.ofDays(36), 2_000,
                    Clock.systemUTC());
            // a new sender per message to many recipients: about 3 MB of triplets without the cap
            String pad = "x".repeat(60);
            for (int i = 0; i < 12_000; i++) {
                greylist.check("198.51.100.0/24", "s" + i + pad + "@spam.test", "user" + (i % 100) + "@example.com");
            }
            TokenBuckets buckets = shared.tokenBuckets("msg", 1, 1, Clock.systemUTC());
            ClientKey spammer = ClientKey.of(InetAddress.getByName("198.51.100.7"));
            assertThat(buckets.tryAcquire(spammer)).isZero();
            assertThat(buckets.tryAcquire(spammer)).as("burst 1: the second message waits (Redis holds %d keys)",
                    c.sync().dbsize()).isPositive();
            assertThat(c.sync().keys("mailgateway:gl:*")).hasSizeLessThanOrEqualTo(2_000);
        } finally {
            admin.shutdown();
        }
    }

    private static ConnectionPolicy.Limits limits() {
        return new ConnectionPolicy.Limits(100, 0, true, 1, 1, 0, CidrSet.parse(""), Duration.ofMinutes(1), 1000,
                false, Duration.ZERO, Duration.ofHours(4), Duration.ofDays(36), 1000, null);
    }
}
