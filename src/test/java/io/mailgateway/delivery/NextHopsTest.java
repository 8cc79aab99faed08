package io.mailgateway.delivery;

import io.mailgateway.message.Mailbox;
import io.mailgateway.message.Disposition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailgateway.policy.dns.DnsjavaResolver;
import io.mailgateway.policy.dns.LoopbackDnsServer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;

/** Next-hop routing against real DNS messages from a loopback DNS server. */
class NextHopsTest {

    private LoopbackDnsServer dns;
    private DnsjavaResolver resolver;

    @BeforeEach
    void start() throws Exception {
        dns = new LoopbackDnsServer();
        resolver = new DnsjavaResolver(List.of(dns.address()), Duration.ofMillis(300), 100, 300);
    }

    @AfterEach
    void stop() {
        dns.close();
    }

    private NextHops hops(String map, String relayHost, String relayDomains, Random random) {
        return new NextHops(TransportMap.parse(map, relayHost),
                relayDomains.isEmpty() ? List.of() : List.of(relayDomains.split(",")),
                List.of("localhost", "example.com"), resolver, random);
    }

    private static Name n(String s) {
        return Name.fromConstantString(s);
    }

    private void mx(String domain, int pref, String host) {
        dns.add(new MXRecord(n(domain), DClass.IN, 60, pref, n(host)));
    }

    private void a(String host, String ip) throws Exception {
        dns.add(new ARecord(n(host), DClass.IN, 60, InetAddress.getByName(ip)));
    }

    private static List<String> hosts(NextHops.NextHop hop) {
        return hop.hosts().stream().map(h -> h.getHostString() + "/" + h.getAddress().getHostAddress() + ":" + h.getPort()).toList();
    }

    @Test
    void should_order_mx_hosts_by_preference_with_their_addresses() throws Exception {
        mx("dest.test.", 20, "mx2.dest.test.");
        mx("dest.test.", 10, "mx1.dest.test.");
        a("mx1.dest.test.", "192.0.2.1");
        a("mx2.dest.test.", "192.0.2.2");
        dns.add(new AAAARecord(n("mx2.dest.test."), DClass.IN, 60, InetAddress.getByName("2001:db8::2")));

        NextHops.NextHop hop = hops("*=mx", "", "", null).resolve("dest.test");

        assertThat(hop.name()).isEqualTo("mx:dest.test");
        assertThat(hosts(hop)).containsExactly("mx1.dest.test/192.0.2.1:25", "mx2.dest.test/192.0.2.2:25",
                "mx2.dest.test/2001:db8:0:0:0:0:0:2:25");
    }

    @Test
    void should_shuffle_mx_hosts_of_equal_preference() throws Exception {
        for (int i = 1; i <= 4; i++) {
            mx("eq.test.", 10, "mx" + i + ".eq.test.");
            a("mx" + i + ".eq.test.", "192.0.2." + i);
        }
        mx("eq.test.", 5, "first.eq.test.");
        a("first.eq.test.", "192.0.2.99");
        Set<List<String>> orders = new HashSet<>();
        for (int seed = 0; seed < 20; seed++) {
            List<String> h = hosts(hops("*=mx", "", "", new Random(seed)).resolve("eq.test"));
            assertThat(h.get(0)).startsWith("first.eq.test/");
            orders.add(h);
        }
        assertThat(orders).hasSizeGreaterThan(1);
    }

    @Test
    void should_fall_back_to_the_domain_address_without_mx() throws Exception {
        a("plain.test.", "192.0.2.7");
        assertThat(hosts(hops("*=mx", "", "", null).resolve("plain.test"))).containsExactly("plain.test/192.0.2.7:25");
    }

    @Test
    void should_fail_permanently_for_a_null_mx_and_nxdomain() {
        mx("nullmx.test.", 0, ".");
        NextHops h = hops("*=mx", "", "", null);
        assertThatThrownBy(() -> h.resolve("nullmx.test")).isInstanceOfSatisfying(NextHops.RoutingException.class, e -> {
            assertThat(e.reply().code()).isEqualTo(556);
            assertThat(e.reply().text()).startsWith("5.1.10 ");
        });
        assertThatThrownBy(() -> h.resolve("missing.test")).isInstanceOfSatisfying(NextHops.RoutingException.class,
                e -> assertThat(e.reply()).extracting(RemoteReply::code, r -> r.text().substring(0, 6)).containsExactly(550, "5.1.2 "));
    }

    @Test
    void should_fail_temporarily_on_servfail_and_timeout() {
        dns.servfail(n("broken.test."));
        dns.timeout(n("slow.test."));
        NextHops h = hops("*=mx", "", "", null);
        NextHops.Routing r = h.routing(mailboxes("a@broken.test", "b@slow.test"));

        assertThat(r.routes()).isEmpty();
        assertThat(r.failures().values()).allSatisfy(reply -> {
            assertThat(reply.code()).isEqualTo(451);
            assertThat(reply.text()).startsWith("4.4.3 ");
        });
        assertThat(r.failures()).containsOnlyKeys(mailboxes("a@broken.test", "b@slow.test"));
    }

    @Test
    void should_use_the_a_records_of_a_host_whose_aaaa_lookup_times_out() throws Exception {
        mx("v4only.test.", 10, "mx.v4only.test.");
        a("mx.v4only.test.", "192.0.2.60");
        dns.timeout(n("mx.v4only.test.")); // AAAA goes unanswered; A, which it has, is answered
        assertThat(hosts(hops("*=mx", "", "", null).resolve("v4only.test"))).containsExactly("mx.v4only.test/192.0.2.60:25");
    }

    /** RFC 5321 5.1: the gateway itself (here 192.0.2.2:25) and every exchanger not more preferred are dropped. */
    @Test
    void should_drop_itself_and_the_less_preferred_exchangers_and_refuse_a_loop() throws Exception {
        java.util.function.Predicate<java.net.InetSocketAddress> ours =
                address -> address.getPort() == 25 && address.getAddress().getHostAddress().equals("192.0.2.2");
        mx("backup.test.", 10, "mx1.backup.test.");
        mx("backup.test.", 20, "us.test.");
        mx("backup.test.", 20, "mx2.backup.test.");
        mx("backup.test.", 30, "mx3.backup.test.");
        a("mx1.backup.test.", "192.0.2.1");
        a("us.test.", "192.0.2.2");
        a("mx2.backup.test.", "192.0.2.3");
        a("mx3.backup.test.", "192.0.2.4");
        mx("primary.test.", 10, "us.test.");
        mx("primary.test.", 20, "mx3.backup.test.");
        a("implicit.test.", "192.0.2.2");
        mx("down.test.", 10, "mx.down.test.");
        mx("down.test.", 20, "us.test.");
        dns.servfail(n("mx.down.test."));
        NextHops h = new NextHops(TransportMap.parse("direct.test=smtp:[192.0.2.2],*=mx", ""), List.of(),
                List.of("example.com"), resolver, null, ours);

        assertThat(hosts(h.resolve("backup.test"))).containsExactly("mx1.backup.test/192.0.2.1:25");
        for (String loop : List.of("primary.test", "implicit.test", "direct.test")) {
            assertThatThrownBy(() -> h.resolve(loop)).as(loop).isInstanceOfSatisfying(NextHops.RoutingException.class, e -> {
                assertThat(e.reply().code()).isEqualTo(554);
                assertThat(e.reply().text()).isEqualTo("5.4.6 mail for " + loop + " loops back to myself");
            });
        }
        // the more preferred exchanger cannot be looked up now: a wait, not a loop
        assertThatThrownBy(() -> h.resolve("down.test")).isInstanceOfSatisfying(NextHops.RoutingException.class,
                e -> assertThat(e.reply().code()).isEqualTo(451));
    }

    @Test
    void should_use_the_transport_map_and_relay_host() throws Exception {
        mx("smart.test.", 10, "out.smart.test.");
        a("out.smart.test.", "192.0.2.50");
        NextHops h = hops("local.test=smtp:[127.0.0.1]:2600,viamx.test=smtp:smart.test:2525,*=mx", "[192.0.2.9]:587", "", null);

        assertThat(hosts(h.resolve("local.test"))).containsExactly("127.0.0.1/127.0.0.1:2600");
        assertThat(hosts(h.resolve("viamx.test"))).containsExactly("out.smart.test/192.0.2.50:2525");
        assertThat(h.resolve("anything.test").name()).isEqualTo("smtp:[192.0.2.9]:587");
        assertThat(hosts(h.resolve("anything.test"))).containsExactly("192.0.2.9/192.0.2.9:587");
    }

    @Test
    void should_group_recipients_per_next_hop() throws Exception {
        mx("b.test.", 10, "mx.b.test.");
        a("mx.b.test.", "192.0.2.3");
        NextHops h = hops("a.test=smtp:[127.0.0.1]:2600,a2.test=smtp:[127.0.0.1]:2600,*=mx", "", "", null);

        NextHops.Routing r = h.routing(mailboxes("x@a.test", "y@b.test", "z@a2.test", "w@A.TEST", "v@gone.test"));

        assertThat(r.routes()).hasSize(2);
        assertThat(r.routes().get(0).hop().name()).isEqualTo("smtp:[127.0.0.1]:2600");
        assertThat(r.routes().get(0).recipients()).containsExactlyElementsOf(mailboxes("x@a.test", "z@a2.test", "w@a.test"));
        assertThat(r.routes().get(1).recipients()).containsExactlyElementsOf(mailboxes("y@b.test"));
        assertThat(r.failures()).containsOnlyKeys(mailboxes("v@gone.test"));
        assertThat(r.failures().get(Mailbox.of("v@gone.test")).code()).isEqualTo(550);
    }

    @Test
    void should_relay_only_mapped_or_listed_domains() {
        NextHops h = hops("example.com=smtp:[127.0.0.1]:2600,partner.test=mx,*=mx", "", "relay.test,localhost", null);

        assertThat(disposition(h, "a@partner.test")).contains(Disposition.RELAY);
        assertThat(disposition(h, "a@relay.test")).contains(Disposition.RELAY);
        assertThat(disposition(h, "a@example.com")).contains(Disposition.RELAY); // local, but the map names it
        assertThat(disposition(h, "a@localhost")).contains(Disposition.LOCAL); // local: stored only
        assertThat(disposition(h, "a@elsewhere.test")).isEmpty(); // no open relay through *
        // Our own mail (a DSN) to a domain that is neither local nor relayed still leaves, through *.
        assertThat(h.dispositionOfOwnMail(Mailbox.of("a@elsewhere.test"))).isEqualTo(Disposition.RELAY);
        assertThat(h.dispositionOfOwnMail(Mailbox.of("a@localhost"))).isEqualTo(Disposition.LOCAL);
    }

    private static java.util.Optional<Disposition> disposition(NextHops h, String address) {
        return h.dispositionOf(Mailbox.of(address));
    }

    private static List<Mailbox> mailboxes(String... addresses) {
        return java.util.Arrays.stream(addresses).map(Mailbox::of).toList();
    }

    @Test
    void should_check_transport_map_syntax() {
        assertThat(TransportMap.check("*=mx")).isNull();
        assertThat(TransportMap.check("a.test=smtp:[::1]:2600,b.test=smtp:host,*=smtp:[relay.test]")).isNull();
        assertThat(TransportMap.check("a.test=lmtp:x")).contains("lmtp:x");
        assertThat(TransportMap.check("a.test")).contains("DOMAIN=TRANSPORT");
        assertThat(TransportMap.check("a.test=smtp:[h]:99999")).contains("port");
        assertThat(TransportMap.checkRelayHost("")).isNull();
        assertThat(TransportMap.checkRelayHost("[10.0.0.1]:25")).isNull();
        assertThat(TransportMap.checkRelayHost("bad host")).isNotNull();
    }
}
