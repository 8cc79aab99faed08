package io.mailgateway.policy.spf;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.message.Mailbox;
import io.mailgateway.policy.dns.DnsjavaResolver;
import io.mailgateway.policy.dns.LoopbackDnsServer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.TXTRecord;

/**
 * The SPF result cache over the real evaluator and a real DNS server on loopback; the resolver's own
 * cache is off, so DNS query counts show what the SPF cache saved. Time comes from an injected clock.
 */
class CachingSpfCheckerTest {

    private LoopbackDnsServer server;
    private SpfEvaluator evaluator;
    private final AtomicLong clock = new AtomicLong(5_000_000_000L);

    @BeforeEach
    void start() throws Exception {
        server = new LoopbackDnsServer();
        evaluator = new SpfEvaluator(new DnsjavaResolver(List.of(server.address()), Duration.ofMillis(1500), 0, 86400));
        server.add(new TXTRecord(n("example.test"), DClass.IN, 60, "v=spf1 ip4:192.0.2.0/24 -all"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private CachingSpfChecker cache(int maxEntries, long ttlSeconds) {
        return new CachingSpfChecker(evaluator, maxEntries, Duration.ofSeconds(ttlSeconds), clock::get);
    }

    private static Name n(String s) {
        return Name.fromConstantString(s + ".");
    }

    @Test
    void a_repeated_check_is_answered_from_the_cache_until_the_ttl_ends() {
        CachingSpfChecker spf = cache(100, 300);
        assertThat(spf.check("192.0.2.7", Mailbox.of("a@example.test"), "h.test")).isEqualTo(SpfResult.PASS);
        assertThat(spf.check("192.0.2.7", Mailbox.of("b@EXAMPLE.test"), "h.test")).isEqualTo(SpfResult.PASS);
        assertThat(server.queries("example.test")).as("second sender of the domain from the cache").isEqualTo(1);

        clock.addAndGet(Duration.ofSeconds(299).toNanos());
        spf.check("192.0.2.7", Mailbox.of("a@example.test"), "h.test");
        assertThat(server.queries("example.test")).isEqualTo(1);

        clock.addAndGet(Duration.ofSeconds(2).toNanos());
        spf.check("192.0.2.7", Mailbox.of("a@example.test"), "h.test");
        assertThat(server.queries("example.test")).as("expired after 300 s, evaluated again").isEqualTo(2);
    }

    @Test
    void the_key_is_client_address_sender_domain_and_helo() {
        CachingSpfChecker spf = cache(100, 300);
        assertThat(spf.check("192.0.2.7", Mailbox.of("a@example.test"), "h.test")).isEqualTo(SpfResult.PASS);
        assertThat(spf.check("198.51.100.1", Mailbox.of("a@example.test"), "h.test")).isEqualTo(SpfResult.FAIL);
        spf.check("192.0.2.7", Mailbox.of("a@example.test"), "other.test");
        assertThat(server.queries("example.test")).isEqualTo(3);
    }

    @Test
    void temperror_is_never_cached() {
        CachingSpfChecker spf = cache(100, 300);
        server.servfail(n("flaky.test"));
        assertThat(spf.check("192.0.2.7", Mailbox.of("a@flaky.test"), "h.test")).isEqualTo(SpfResult.TEMPERROR);
        assertThat(spf.size()).isZero();

        server.clear(); // the DNS server recovers
        server.add(new TXTRecord(n("flaky.test"), DClass.IN, 60, "v=spf1 +all"));
        assertThat(spf.check("192.0.2.7", Mailbox.of("a@flaky.test"), "h.test")).isEqualTo(SpfResult.PASS);
    }

    @Test
    void results_that_use_the_local_part_are_keyed_by_the_whole_sender() throws Exception {
        server.add(new TXTRecord(n("peruser.test"), DClass.IN, 60, "v=spf1 exists:%{l}._spf.peruser.test -all"));
        server.add(new ARecord(n("alice._spf.peruser.test"), DClass.IN, 60, InetAddress.getLoopbackAddress()));
        CachingSpfChecker spf = cache(100, 300);
        assertThat(spf.check("192.0.2.7", Mailbox.of("alice@peruser.test"), "h.test")).isEqualTo(SpfResult.PASS);
        assertThat(spf.check("192.0.2.7", Mailbox.of("bob@peruser.test"), "h.test")).isEqualTo(SpfResult.FAIL);
        assertThat(spf.check("192.0.2.7", Mailbox.of("alice@peruser.test"), "h.test")).isEqualTo(SpfResult.PASS);
        assertThat(spf.check("192.0.2.7", Mailbox.of("bob@peruser.test"), "h.test")).isEqualTo(SpfResult.FAIL);
        assertThat(server.queries("peruser.test")).as("each sender evaluated once").isEqualTo(2);
    }

    @Test
    void the_cache_is_bounded_least_recently_used_first() {
        CachingSpfChecker spf = cache(3, 300);
        for (int i = 1; i <= 10; i++) {
            spf.check("192.0.2." + i, Mailbox.of("a@example.test"), "h.test");
        }
        assertThat(spf.size()).isEqualTo(3);
        spf.check("192.0.2.10", Mailbox.of("a@example.test"), "h.test");
        assertThat(server.queries("example.test")).as("the newest entry is kept").isEqualTo(10);
        spf.check("192.0.2.1", Mailbox.of("a@example.test"), "h.test");
        assertThat(server.queries("example.test")).as("the oldest was dropped").isEqualTo(11);
    }

    @Test
    void the_richer_outcome_comes_through_the_cache() {
        CachingSpfChecker spf = cache(100, 300);
        SpfOutcome o = spf.evaluate("192.0.2.7", Mailbox.of("a@example.test"), "h.test");
        assertThat(o.result()).isEqualTo(SpfResult.PASS);
        assertThat(o.domain()).isEqualTo("example.test");
        assertThat(o.identity()).isEqualTo("mailfrom");
        assertThat(spf.evaluate("192.0.2.7", Mailbox.of("a@example.test"), "h.test")).isEqualTo(o);
    }
}
