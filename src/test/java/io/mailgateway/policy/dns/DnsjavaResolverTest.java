package io.mailgateway.policy.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

import io.mailgateway.config.GatewayConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** The resolver against a real DNS server on loopback (wire-format messages over UDP). */
class DnsjavaResolverTest {

    private LoopbackDnsServer server;
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);

    @BeforeEach
    void start() throws Exception {
        server = new LoopbackDnsServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private DnsjavaResolver resolver(int maxEntries, long maxTtl) {
        return new DnsjavaResolver(List.of(server.address()), Duration.ofMillis(1500), maxEntries, maxTtl, clock::get);
    }

    private void advanceSeconds(long s) {
        clock.addAndGet(s * 1_000_000_000L);
    }

    private static Name n(String s) {
        return Name.fromConstantString(s);
    }

    @Test
    void answersAndCachesForTheRecordTtl() throws Exception {
        server.add(new ARecord(n("mx.example.test."), DClass.IN, 2, InetAddress.getByName("192.0.2.1")));
        DnsjavaResolver r = resolver(100, 86400);

        DnsAnswer a = r.lookup("mx.example.test", Type.A);
        assertThat(a.status()).isEqualTo(DnsAnswer.Status.OK);
        assertThat(a.records()).extracting(DnsResolver::text).containsExactly("192.0.2.1");
        r.lookup("MX.example.test.", Type.A);
        assertThat(server.queries("mx.example.test")).isEqualTo(1);

        advanceSeconds(1);
        r.lookup("mx.example.test", Type.A);
        assertThat(server.queries("mx.example.test")).as("still within TTL").isEqualTo(1);

        advanceSeconds(2); // TTL of 2 s has passed
        r.lookup("mx.example.test", Type.A);
        assertThat(server.queries("mx.example.test")).as("expired, asked again").isEqualTo(2);
    }

    @Test
    void realClockShortTtlExpires() throws Exception {
        server.add(new TXTRecord(n("short.example.test."), DClass.IN, 1, "v=spf1 -all"));
        DnsjavaResolver r = new DnsjavaResolver(List.of(server.address()), Duration.ofMillis(1500), 100, 86400);
        assertThat(r.txt("short.example.test")).containsExactly("v=spf1 -all");
        assertThat(r.txt("short.example.test")).containsExactly("v=spf1 -all");
        assertThat(server.queries("short.example.test")).isEqualTo(1);
        // asked again once the 1 s TTL has run out, and answered from the cache until then
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).until(() -> {
            r.txt("short.example.test");
            return server.queries("short.example.test") > 1;
        });
        assertThat(server.queries("short.example.test")).isEqualTo(2);
    }

    @Test
    void negativeAnswersCachedForSoaMinimum() throws Exception {
        server.negativeTtl(60);
        server.add(new ARecord(n("a-only.example.test."), DClass.IN, 3600, InetAddress.getByName("192.0.2.2")));
        DnsjavaResolver r = resolver(100, 86400);

        assertThat(r.lookup("missing.example.test", Type.TXT).status()).isEqualTo(DnsAnswer.Status.NXDOMAIN);
        assertThat(r.lookup("a-only.example.test", Type.TXT).status()).isEqualTo(DnsAnswer.Status.NODATA);
        r.lookup("missing.example.test", Type.TXT);
        r.lookup("a-only.example.test", Type.TXT);
        assertThat(server.queries("missing.example.test")).isEqualTo(1);
        assertThat(server.queries("a-only.example.test")).isEqualTo(1);

        // the name appears; the negative answer still holds until the negative TTL ends
        server.add(new TXTRecord(n("missing.example.test."), DClass.IN, 3600, "hello"));
        advanceSeconds(59);
        assertThat(r.lookup("missing.example.test", Type.TXT).status()).isEqualTo(DnsAnswer.Status.NXDOMAIN);
        advanceSeconds(2);
        assertThat(r.txt("missing.example.test")).containsExactly("hello");
        assertThat(server.queries("missing.example.test")).isEqualTo(2);
    }

    @Test
    void maxTtlCapsCaching() throws Exception {
        server.add(new ARecord(n("long.example.test."), DClass.IN, 86400, InetAddress.getByName("192.0.2.3")));
        DnsjavaResolver r = resolver(100, 10);
        r.lookup("long.example.test", Type.A);
        advanceSeconds(11);
        r.lookup("long.example.test", Type.A);
        assertThat(server.queries("long.example.test")).isEqualTo(2);
    }

    @Test
    void cacheIsBounded() throws Exception {
        DnsjavaResolver r = resolver(5, 86400);
        for (int i = 0; i < 20; i++) {
            server.add(new ARecord(n("h" + i + ".example.test."), DClass.IN, 3600, InetAddress.getByName("192.0.2." + (i + 10))));
            r.lookup("h" + i + ".example.test", Type.A);
        }
        assertThat(r.cacheSize()).isEqualTo(5);
        r.lookup("h19.example.test", Type.A);
        assertThat(server.queries("h19.example.test")).as("recent entry kept").isEqualTo(1);
        r.lookup("h0.example.test", Type.A);
        assertThat(server.queries("h0.example.test")).as("oldest entry evicted").isEqualTo(2);
    }

    @Test
    void followsCnameToTheAskedType() throws Exception {
        server.add(new CNAMERecord(n("alias.example.test."), DClass.IN, 3600, n("real.example.test.")));
        server.add(new ARecord(n("real.example.test."), DClass.IN, 3600, InetAddress.getByName("192.0.2.4")));
        assertThat(resolver(100, 86400).lookup("alias.example.test", Type.A).records())
                .extracting(DnsResolver::text).containsExactly("192.0.2.4");
    }

    @Test
    void timeoutIsATemporaryErrorAndNotCached() throws Exception {
        server.timeout(n("slow.example.test."));
        DnsjavaResolver r = resolver(100, 86400);
        long start = System.nanoTime();
        assertThatThrownBy(() -> r.lookup("slow.example.test", Type.TXT)).isInstanceOf(DnsTemporaryException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThatThrownBy(() -> r.txt("slow.example.test")).isInstanceOf(DnsTemporaryException.class);
        assertThat(r.cacheSize()).isZero();
    }

    @Test
    void servfailIsATemporaryError() throws Exception {
        server.servfail(n("broken.example.test."));
        DnsjavaResolver r = resolver(100, 86400);
        assertThatThrownBy(() -> r.lookup("broken.example.test", Type.TXT))
                .isInstanceOf(DnsTemporaryException.class).hasMessageContaining("SERVFAIL");
        assertThat(r.cacheSize()).isZero();
    }

    @Test
    void temporaryErrorRememberedForTheFailureTtlOnlyWhenAskedTo() throws Exception {
        server.servfail(n("down.example.test."));
        DnsjavaResolver r = resolver(100, 86400).failureTtlSeconds(5);
        assertThatThrownBy(() -> r.lookup("down.example.test", Type.TXT)).isInstanceOf(DnsTemporaryException.class);
        int asked = server.queries("down.example.test");
        assertThat(asked).isPositive();

        advanceSeconds(4);
        assertThatThrownBy(() -> r.lookup("down.example.test", Type.TXT))
                .isInstanceOf(DnsTemporaryException.class).hasMessageContaining("remembered");
        assertThat(server.queries("down.example.test")).as("answered from memory").isEqualTo(asked);

        advanceSeconds(2);
        assertThatThrownBy(() -> r.lookup("down.example.test", Type.TXT)).isInstanceOf(DnsTemporaryException.class);
        assertThat(server.queries("down.example.test")).as("asked again after the failure TTL").isGreaterThan(asked);
    }

    @Test
    void concurrentLookupsOfOneNameShareOneQuery() throws Exception {
        server.timeout(n("slow2.example.test.")); // held unanswered: every asker arrives while the first waits
        DnsjavaResolver r = resolver(100, 86400);
        int askers = 8;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(askers);
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
        for (int i = 0; i < askers; i++) {
            done.add(pool.submit(() -> {
                go.await();
                assertThatThrownBy(() -> r.lookup("slow2.example.test", Type.TXT)).isInstanceOf(DnsTemporaryException.class);
                return null;
            }));
        }
        go.countDown();
        for (java.util.concurrent.Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        DnsjavaResolver alone = resolver(100, 86400);
        int before = server.queries("slow2.example.test");
        assertThatThrownBy(() -> alone.lookup("slow2.example.test", Type.TXT)).isInstanceOf(DnsTemporaryException.class);
        int one = server.queries("slow2.example.test") - before; // what one lookup sends (with its retry)
        assertThat(before).as("%d askers, %d queries per lookup", askers, one).isLessThan(askers * one);
    }

    @Test
    void aCheckWaitsOnlyThePolicyWaitAndTheLateAnswerServesTheNextMessage() throws Exception {
        server.add(new TXTRecord(n("late.example.test."), DClass.IN, 3600, "v=spf1 -all"));
        server.delay(n("late.example.test."), Duration.ofMillis(600));
        DnsjavaResolver r = resolver(100, 86400).policyWait(Duration.ofMillis(100));
        DnsBudget.until(System.nanoTime() + Duration.ofSeconds(10).toNanos(), () -> {
            assertThatThrownBy(() -> r.lookup("late.example.test", Type.TXT))
                    .isInstanceOf(DnsTemporaryException.class)
                    .hasMessageContaining("no answer within 100 ms (POLICY_DNS_TIMEOUT)");
            return null;
        });
        org.awaitility.Awaitility.await("the late answer cached").atMost(Duration.ofSeconds(10)).until(() -> r.cacheSize() == 1);
        int asked = server.queries("late.example.test");
        assertThat(r.txt("late.example.test")).containsExactly("v=spf1 -all");
        assertThat(server.queries("late.example.test")).as("the second message asked nobody").isEqualTo(asked);
    }

    @Test
    void theChecksOfOneMessageShareOneDnsWait() throws Exception {
        server.add(new ARecord(n("cached.example.test."), DClass.IN, 3600, InetAddress.getByName("192.0.2.7")));
        server.timeout(n("first.example.test."));
        server.timeout(n("second.example.test."));
        DnsjavaResolver r = resolver(100, 86400).policyWait(Duration.ofMillis(200));
        r.lookup("cached.example.test", Type.A);
        long deadline = System.nanoTime() + Duration.ofMillis(200).toNanos();
        DnsBudget.until(deadline, () -> {
            assertThatThrownBy(() -> r.lookup("first.example.test", Type.TXT)).isInstanceOf(DnsTemporaryException.class)
                    .hasMessageContaining("no answer within");
            assertThatThrownBy(() -> r.lookup("second.example.test", Type.TXT)).isInstanceOf(DnsTemporaryException.class)
                    .hasMessageContaining("this message's time for DNS is used up (POLICY_DNS_TIMEOUT)");
            assertThat(r.lookup("cached.example.test", Type.A).status()).as("the cache answers whatever is left").isEqualTo(DnsAnswer.Status.OK);
            return null;
        });
        assertThat(DnsBudget.remainingNanos()).as("no budget outside the checks").isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void should_fail_lookups_at_once_for_the_failure_ttl_when_the_servers_answer_not_even_the_probe() throws Exception {
        for (String name : List.of("a", "b", "c", "d")) {
            server.timeout(n(name + ".silent.test."));
        }
        server.timeout(Name.root); // the servers are down: ". SOA" gets no answer either
        DnsjavaResolver r = new DnsjavaResolver(List.of(server.address()), Duration.ofMillis(100), 100, 86400, clock::get)
                .failureTtlSeconds(5);
        for (String name : List.of("a", "b", "c")) {
            assertThatThrownBy(() -> r.lookup(name + ".silent.test", Type.TXT)).isInstanceOf(DnsTemporaryException.class);
        }
        org.awaitility.Awaitility.await("three queries given up").atMost(Duration.ofSeconds(30)).until(() -> r.silentQueries() >= 3);
        advanceSeconds(10); // nothing answered for far longer than twice the timeout
        assertThatThrownBy(() -> r.lookup("d.silent.test", Type.TXT))
                .isInstanceOf(DnsTemporaryException.class).hasMessageContaining("answered nothing for a while, not even . SOA (remembered)");
        assertThat(server.queries("d.silent.test")).as("not asked while the servers are silent").isZero();
        assertThat(server.queries(".")).as("the servers were probed").isPositive();
        advanceSeconds(6);
        assertThatThrownBy(() -> r.lookup("d.silent.test", Type.TXT)).isInstanceOf(DnsTemporaryException.class)
                .hasMessageNotContaining("remembered");
        assertThat(server.queries("d.silent.test")).as("asked again after DNS_CACHE_FAILURE_TTL").isPositive();
    }

    @Test
    void oneAnsweringQueryKeepsTheServersUp() throws Exception {
        server.timeout(n("x.silent.test."));
        server.add(new ARecord(n("ok.example.test."), DClass.IN, 0, InetAddress.getByName("192.0.2.9")));
        DnsjavaResolver r = new DnsjavaResolver(List.of(server.address()), Duration.ofMillis(100), 100, 86400, clock::get)
                .failureTtlSeconds(5);
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> r.lookup("x.silent.test", Type.TXT)).isInstanceOf(DnsTemporaryException.class);
            advanceSeconds(6); // past the failure TTL of the name itself
        }
        assertThat(r.lookup("ok.example.test", Type.A).status()).isEqualTo(DnsAnswer.Status.OK);
        advanceSeconds(10);
        assertThat(r.lookup("ok.example.test", Type.A).status()).as("TTL 0: asked again, and answered").isEqualTo(DnsAnswer.Status.OK);
    }

    @Test
    void should_not_count_answering_servers_down_when_only_a_senders_names_time_out() throws Exception {
        server.add(new ARecord(n("popular.example.test."), DClass.IN, 3600, InetAddress.getByName("192.0.2.1")));
        server.add(new ARecord(n("other.example.test."), DClass.IN, 3600, InetAddress.getByName("192.0.2.2")));
        for (String s : List.of("a", "b", "c")) {
            server.timeout(n(s + ".blackhole.attacker.test.")); // nameservers of the sender's choosing that never answer
        }
        DnsjavaResolver r = new DnsjavaResolver(List.of(server.address()), Duration.ofMillis(100), 100, 86400, clock::get)
                .failureTtlSeconds(5);
        assertThat(r.lookup("popular.example.test", Type.A).status()).isEqualTo(DnsAnswer.Status.OK);
        for (String s : List.of("a", "b", "c")) {
            assertThatThrownBy(() -> r.lookup(s + ".blackhole.attacker.test", Type.TXT)).isInstanceOf(DnsTemporaryException.class);
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> r.silentQueries() >= 3);
        advanceSeconds(1); // ordinary traffic meanwhile, all from the cache
        assertThat(r.lookup("popular.example.test", Type.A).status()).isEqualTo(DnsAnswer.Status.OK);

        assertThat(r.lookup("other.example.test", Type.A).status()).as("another sender's uncached name").isEqualTo(DnsAnswer.Status.OK);
        assertThat(server.queries(".")).as("the servers were probed, and answered").isPositive();
        assertThat(r.silentQueries()).isZero();
    }

    @Test
    void should_resend_a_lost_query_within_the_policy_wait() throws Exception {
        server.add(new TXTRecord(n("_dmarc.bank.example.test."), DClass.IN, 300, "v=DMARC1; p=reject"));
        server.lose(1);
        // DNS_TIMEOUT 3 s: a try every second; a check waits 2 s (POLICY_DNS_TIMEOUT's default share)
        DnsjavaResolver r = new DnsjavaResolver(List.of(server.address()), Duration.ofSeconds(3), 100, 86400)
                .failureTtlSeconds(5).policyWait(Duration.ofSeconds(2));
        List<String> txt = DnsBudget.until(System.nanoTime() + Duration.ofSeconds(2).toNanos(), () -> r.txt("_dmarc.bank.example.test"));
        assertThat(txt).containsExactly("v=DMARC1; p=reject");
        assertThat(server.queries("_dmarc.bank.example.test")).as("the lost query and its resend").isEqualTo(2);
    }

    @Test
    void should_ask_the_next_server_when_one_does_not_answer_and_start_with_the_one_that_did() throws Exception {
        try (LoopbackDnsServer second = new LoopbackDnsServer()) {
            for (LoopbackDnsServer s : List.of(server, second)) {
                s.add(new ARecord(n("one.example.test."), DClass.IN, 3600, InetAddress.getByName("192.0.2.11")));
                s.add(new ARecord(n("two.example.test."), DClass.IN, 3600, InetAddress.getByName("192.0.2.12")));
            }
            server.lose(Integer.MAX_VALUE); // the first server is gone
            DnsjavaResolver r = new DnsjavaResolver(List.of(server.address(), second.address()), Duration.ofSeconds(3), 100, 86400)
                    .policyWait(Duration.ofSeconds(2));
            DnsBudget.until(System.nanoTime() + Duration.ofSeconds(2).toNanos(), () -> {
                assertThat(r.lookup("one.example.test", Type.A).status()).isEqualTo(DnsAnswer.Status.OK);
                return null;
            });
            assertThat(server.queries("one.example.test")).isEqualTo(1);
            assertThat(second.queries("one.example.test")).isEqualTo(1);

            assertThat(r.lookup("two.example.test", Type.A).status()).isEqualTo(DnsAnswer.Status.OK);
            assertThat(server.queries("two.example.test")).as("the server that answered last is asked first").isZero();
        }
    }

    @Test
    void should_wait_dns_timeout_not_the_policy_wait_outside_a_check() throws Exception {
        Name domain = n("slow-mx.example.test.");
        server.add(new MXRecord(domain, DClass.IN, 300, 10, n("mx.slow-mx.example.test.")));
        server.delay(domain, Duration.ofMillis(800)); // a cold recursive resolver
        GatewayConfig config = GatewayConfig.load(Map.of("DNS_SERVERS", "127.0.0.1:" + server.address().getPort(),
                "DNS_TIMEOUT", "3000", "POLICY_DNS_TIMEOUT", "300"), new Properties());
        DnsjavaResolver r = DnsjavaResolver.fromConfig(config);
        // no DnsBudget: how delivery (NextHops) asks
        assertThat(r.lookup("slow-mx.example.test", Type.MX).status()).isEqualTo(DnsAnswer.Status.OK);

        Name other = n("slow-mx2.example.test.");
        server.add(new MXRecord(other, DClass.IN, 300, 10, n("mx.slow-mx.example.test.")));
        server.delay(other, Duration.ofMillis(800));
        DnsBudget.until(System.nanoTime() + Duration.ofSeconds(10).toNanos(), () -> {
            assertThatThrownBy(() -> r.lookup("slow-mx2.example.test", Type.MX)).as("inside a check: POLICY_DNS_TIMEOUT")
                    .isInstanceOf(DnsTemporaryException.class).hasMessageContaining("(POLICY_DNS_TIMEOUT)");
            return null;
        });
    }

    @Test
    void invalidNameHasNoRecords() throws Exception {
        String label = "a".repeat(64);
        assertThat(resolver(100, 86400).lookup(label + ".example.test", Type.TXT).status())
                .isEqualTo(DnsAnswer.Status.NXDOMAIN);
    }

    @Test
    void parsesServerList() {
        assertThat(DnsjavaResolver.parseServers("127.0.0.1:5353, 192.0.2.53,[::1]:54"))
                .extracting(a -> a.getHostString() + "/" + a.getPort())
                .containsExactly("127.0.0.1/5353", "192.0.2.53/53", "0:0:0:0:0:0:0:1/54");
        assertThat(DnsjavaResolver.parseServers("")).isEmpty();
        assertThat(DnsjavaResolver.checkServers("127.0.0.1:99999")).isNotNull();
        assertThat(DnsjavaResolver.checkServers("127.0.0.1:53")).isNull();
    }
}
