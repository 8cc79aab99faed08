package io.mailgateway.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.mailgateway.config.ConfigException;
import io.mailgateway.config.GatewayConfig;
import io.mailgateway.config.Wiring;
import io.mailgateway.policy.PolicyBeans;
import io.mailgateway.policy.limits.CidrSet;
import io.mailgateway.policy.limits.ConnectionPolicy;
import io.mailgateway.policy.limits.ManualClock;
import io.mailgateway.policy.limits.SharedLimits;
import io.mailgateway.policy.limits.redis.RedisLimits;
import io.mailgateway.policy.limits.redis.RedisSettings;
import io.mailgateway.testing.LocalDaemon;
import io.mailgateway.testing.RedisProcess;
import io.mailgateway.testing.SmtpTestClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CACHE_BACKEND=redis: two gateway nodes (each its own SMTP listener on a real socket, its own
 * Redis connections, built from the configuration as the gateway builds them) share one real
 * redis-server. A client's rate limit and a greylisted triplet follow it from node A to node B;
 * a Redis that does not answer at startup stops the start, one that goes away mid-run lets mail
 * pass. Clients come from different loopback addresses (127.0.0.x), the whitelist is empty.
 */
class RedisSharedLimitsTest {

    private static final byte[] BODY = "Subject: t\r\n\r\nhi\r\n.\r\n".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    private RedisProcess redis;
    private final ManualClock clock = new ManualClock();
    private final MeterRegistry meters = new SimpleMeterRegistry();
    private final List<AutoCloseable> open = new ArrayList<>();

    /** One node: its listener, and the Redis connections it owns. */
    private record Node(SmtpServer server, RedisLimits shared) {
        SmtpTestClient client(String from) throws Exception {
            SmtpTestClient c = SmtpTestClient.connectRaw(server.port(), from);
            c.expect(220);
            c.send("EHLO node.test").expect(250);
            return c;
        }
    }

    @BeforeEach
    void startRedis() throws Exception {
        redis = RedisProcess.start(dir.resolve("redis"));
    }

    @AfterEach
    void stopAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        redis.close();
    }

    private GatewayConfig config(int redisPort) {
        Map<String, String> env = new HashMap<>();
        env.put("CACHE_BACKEND", "redis");
        env.put("REDIS_HOST", "127.0.0.1");
        env.put("REDIS_PORT", String.valueOf(redisPort));
        env.put("REDIS_TIMEOUT", "1000");
        env.put("DATA_DIR", dir.resolve("data").toString());
        return GatewayConfig.load(env, new Properties());
    }

    private static ConnectionPolicy.Limits limits(boolean rate, int burst, boolean greylist) {
        return new ConnectionPolicy.Limits(100, 0, rate, 1, burst, 0, CidrSet.parse(""), Duration.ofSeconds(60), 100_000,
                greylist, Duration.ofSeconds(300), Duration.ofHours(4), Duration.ofDays(36), 100_000, null);
    }

    private Node node(String name, ConnectionPolicy.Limits limits) throws Exception {
        RedisLimits shared = RedisLimits.connect(RedisSettings.from(config(redis.port())), meters);
        open.add(shared);
        SmtpServerSettings settings = new SmtpServerSettings("mx-" + name + ".test", List.of("example.com"), 1 << 20, 10, 10,
                Duration.ofMinutes(5), Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ZERO,
                Files.createDirectories(dir.resolve("spool-" + name)), 65536);
        MessageSink sink = message -> {
            message.content().release();
            return CompletableFuture.completedFuture(SmtpReplies.QUEUED.withText("Ok: queued as " + message.queueId()));
        };
        SmtpServer server = new SmtpServer(settings, new SmtpServer.Socket("127.0.0.1", 0, 1, 128, true, false), sink,
                new ConnectionPolicy(limits, clock, clock, shared));
        server.start();
        open.add(() -> server.stop(Duration.ofSeconds(1)));
        return new Node(server, shared);
    }

    private SmtpTestClient track(SmtpTestClient c) {
        open.add(c);
        return c;
    }

    private static void sendMessage(SmtpTestClient c, String rcpt) throws Exception {
        c.send("MAIL FROM:<s@sender.test>").expect(250, "2.1.0");
        c.send("RCPT TO:<" + rcpt + ">").expect(250, "2.1.5");
        c.send("DATA").expect(354);
        c.sendRaw(BODY);
        c.expect(250, "2.0.0");
    }

    @Test
    void should_refuse_on_node_b_a_client_that_used_its_burst_on_node_a() throws Exception {
        Node a = node("a", limits(true, 2, false));
        Node b = node("b", limits(true, 2, false));

        SmtpTestClient onA = track(a.client("127.0.0.2"));
        sendMessage(onA, "u1@example.com");
        sendMessage(onA, "u2@example.com");

        SmtpTestClient onB = track(b.client("127.0.0.2"));
        SmtpTestClient.Reply refused = onB.send("MAIL FROM:<s@sender.test>").expect(450, "4.7.1");
        assertThat(refused.text()).containsPattern("try again in \\d+ seconds");
        onA.send("MAIL FROM:<s@sender.test>").expect(450, "4.7.1");
        // another client keeps its own bucket, on either node
        sendMessage(track(b.client("127.0.0.3")), "u3@example.com");

        assertEveryKeyExpires("mailgateway:rl:msg:*", 1);
    }

    @Test
    void should_give_smtpd_listeners_of_two_camel_contexts_the_buckets_bound_as_shared_limits() throws Exception {
        // as the gateway wires it: PolicyBeans binds "sharedLimits", the smtpd: endpoint looks it up
        int onA = smtpdNode("a");
        int onB = smtpdNode("b");
        SmtpTestClient first = track(SmtpTestClient.connectRaw(onA, "127.0.0.4"));
        first.expect(220);
        first.send("EHLO node.test").expect(250);
        first.send("MAIL FROM:<s@sender.test>").expect(250, "2.1.0");
        SmtpTestClient second = track(SmtpTestClient.connectRaw(onB, "127.0.0.4"));
        second.expect(220);
        second.send("EHLO node.test").expect(250);
        second.send("MAIL FROM:<s@sender.test>").expect(450, "4.7.1");
    }

    /** A node's listener as a route of its own Camel context, with its own Redis connections bound as "sharedLimits". */
    private int smtpdNode(String name) throws Exception {
        org.apache.camel.impl.DefaultCamelContext camel = new org.apache.camel.impl.DefaultCamelContext();
        RedisLimits shared = RedisLimits.connect(RedisSettings.from(config(redis.port())), meters);
        open.add(shared);
        camel.getRegistry().bind("sharedLimits", shared);
        camel.addRoutes(new org.apache.camel.builder.RouteBuilder() {
            @Override
            public void configure() {
                from("smtpd:127.0.0.1:0?localDomains=example.com&rateLimitWhitelist=&rateLimitPerMinute=1&rateLimitBurst=1"
                        + "&spoolDir=" + dir.resolve("spool-camel-" + name)).routeId("in").to("log:" + name + "?level=OFF");
            }
        });
        camel.start();
        open.add(camel::stop);
        return ((io.mailgateway.smtp.camel.SmtpdConsumer) camel.getRoute("in").getConsumer()).getLocalPort();
    }

    @Test
    void should_know_on_node_b_a_triplet_first_seen_on_node_a() throws Exception {
        Node a = node("a", limits(false, 1, true));
        Node b = node("b", limits(false, 1, true));

        SmtpTestClient onA = track(a.client("127.0.0.2"));
        onA.send("MAIL FROM:<s@sender.test>").expect(250, "2.1.0");
        onA.send("RCPT TO:<u@example.com>").expect(451, "4.7.1");

        // the retry comes to node B, from a neighbour address of the same /24
        clock.advance(Duration.ofSeconds(301));
        SmtpTestClient onB = track(b.client("127.0.0.3"));
        onB.send("MAIL FROM:<s@sender.test>").expect(250, "2.1.0");
        onB.send("RCPT TO:<u@example.com>").expect(250, "2.1.5");
        // a triplet B has not seen before is greylisted there, and A then knows it too
        onB.send("RCPT TO:<other@example.com>").expect(451, "4.7.1");
        onA.send("RSET").expect(250);
        onA.send("MAIL FROM:<s@sender.test>").expect(250, "2.1.0");
        onA.send("RCPT TO:<u@example.com>").expect(250, "2.1.5");
        SmtpTestClient.Reply early = onA.send("RCPT TO:<other@example.com>").expect(451, "4.7.1");
        assertThat(early.text()).containsPattern("try again in \\d+ seconds");

        assertEveryKeyExpires("mailgateway:gl:*", 2);
    }

    @Test
    void should_not_start_when_redis_does_not_answer_and_name_where_it_looked() throws Exception {
        int nobody = LocalDaemon.freePort();
        GatewayConfig config = config(nobody);
        Map<String, Object> registry = new HashMap<>();
        Wiring wiring = new Wiring(config, registry::put, r -> open.add(r));
        wiring.bind("metricsRegistry", meters);

        assertThatThrownBy(() -> new PolicyBeans().bind(wiring))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("CACHE_BACKEND: redis, but Redis at REDIS_HOST:REDIS_PORT = 127.0.0.1:" + nobody + " (REDIS_DB 0) does not answer");
        assertThat(registry).doesNotContainKey("sharedLimits");

        // the same wiring with Redis there binds the shared limits, which the listeners take
        Map<String, Object> good = new HashMap<>();
        Wiring working = new Wiring(config(redis.port()), good::put, r -> open.add(r));
        working.bind("metricsRegistry", meters);
        new PolicyBeans().bind(working);
        assertThat(good.get("sharedLimits")).isInstanceOf(SharedLimits.class);
    }

    @Test
    void should_let_mail_pass_while_redis_is_away_and_limit_again_when_it_is_back() throws Exception {
        Node a = node("a", limits(true, 1, true));
        SmtpTestClient c = greylistedOnceWithItsOneTokenSpent(a);
        c.send("MAIL FROM:<s@sender.test>").expect(450, "4.7.1");

        redis.stop();
        // the same session goes on: over its rate and with a new triplet, the message is taken
        sendMessage(c, "another@example.com");
        sendMessage(c, "third@example.com");
        assertThat(a.shared().isDown()).isTrue();
        assertThat(meters.get("smtp.cache.backend.errors").tag("op", "rate_limit").counter().count()).isGreaterThanOrEqualTo(2);
        assertThat(meters.get("smtp.cache.backend.errors").tag("op", "greylist").counter().count()).isGreaterThanOrEqualTo(2);

        // Redis back (empty: no persistence): the client reconnects in the background and limits again
        redis.restart();
        awaitRateLimited(c);
        assertThat(a.shared().isDown()).isFalse();
    }

    @Test
    void should_let_mail_pass_when_redis_hangs_past_its_timeout() throws Exception {
        Node a = node("a", limits(true, 1, true));
        SmtpTestClient c = greylistedOnceWithItsOneTokenSpent(a);

        redis.pause();
        try {
            // each check waits REDIS_TIMEOUT (1 s here), then lets the client pass
            sendMessage(c, "another@example.com");
        } finally {
            redis.resume();
        }
        assertThat(meters.get("smtp.cache.backend.errors").tag("op", "rate_limit").counter().count()).isPositive();
        assertThat(meters.get("smtp.cache.backend.errors").tag("op", "greylist").counter().count()).isPositive();
        // answering again: the bucket it emptied before the pause still refuses
        awaitRateLimited(c);
    }

    @Test
    void should_not_hold_other_sessions_for_each_command_while_redis_hangs() throws Exception {
        Node a = node("a", limits(true, 100, true)); // one event loop: its sessions wait for each other's checks
        SmtpTestClient first = track(a.client("127.0.0.2"));
        redis.pause();
        try {
            // one message to 9 recipients, pipelined (RFC 2920): MAIL and 9 RCPT, each a check against Redis
            StringBuilder commands = new StringBuilder("MAIL FROM:<s@sender.test>\r\n");
            for (int i = 0; i < 9; i++) {
                commands.append("RCPT TO:<r").append(i).append("@example.com>\r\n");
            }
            first.sendRaw(commands.toString());
            Thread.sleep(200);
            long start = System.nanoTime();
            SmtpTestClient other = track(SmtpTestClient.connectRaw(a.server().port(), "127.0.0.3"));
            other.expect(220);
            long ms = (System.nanoTime() - start) / 1_000_000;
            // before: every check waited REDIS_TIMEOUT (1 s here) on the loop, about 10 s; now only the first
            assertThat(ms).as("another client's greeting waited %d ms", ms).isLessThan(4_000);
            first.expect(250, "2.1.0");
            for (int i = 0; i < 9; i++) {
                first.expect(250, "2.1.5");
            }
        } finally {
            redis.resume();
        }
    }

    /** A client of {@code node} (burst 1) whose one message token is spent on a greylisted RCPT. */
    private SmtpTestClient greylistedOnceWithItsOneTokenSpent(Node node) throws Exception {
        SmtpTestClient c = track(node.client("127.0.0.2"));
        c.send("MAIL FROM:<s@sender.test>").expect(250, "2.1.0");
        c.send("RCPT TO:<new@example.com>").expect(451, "4.7.1");
        c.send("RSET").expect(250);
        return c;
    }

    /** MAIL again and again (each then RSET) until one gets 450: Lettuce reconnects in the background. */
    private static void awaitRateLimited(SmtpTestClient c) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            SmtpTestClient.Reply r = c.send("MAIL FROM:<s@sender.test>").read();
            c.send("RSET").expect(250);
            return r.code() == 450;
        });
    }

    /** Every key under {@code pattern} carries a TTL, so Redis never grows without bound. */
    private void assertEveryKeyExpires(String pattern, int atLeast) {
        RedisClient client = RedisClient.create("redis://127.0.0.1:" + redis.port());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            List<String> keys = c.sync().keys(pattern);
            assertThat(keys).hasSizeGreaterThanOrEqualTo(atLeast);
            for (String key : keys) {
                assertThat(c.sync().pttl(key)).as("TTL of %s", key).isPositive();
            }
        } finally {
            client.shutdown();
        }
    }
}
