package io.mailgateway.policy.spf;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.message.Mailbox;
import io.mailgateway.policy.dns.DnsjavaResolver;
import io.mailgateway.policy.dns.LoopbackDnsServer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.TXTRecord;

/**
 * The processing limits of RFC 7208 4.6.4 at and over their bounds, DNS errors, identities and the
 * richer outcome, against zone data served by a real DNS server on loopback.
 */
class SpfEvaluatorTest {

    private LoopbackDnsServer server;
    private SpfEvaluator spf;

    @BeforeEach
    void start() throws Exception {
        server = new LoopbackDnsServer();
        spf = new SpfEvaluator(new DnsjavaResolver(List.of(server.address()), Duration.ofMillis(1500), 0, 86400), "gw.test");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static Name n(String s) {
        return Name.fromConstantString(s.endsWith(".") ? s : s + ".");
    }

    private void txt(String name, String text) {
        server.add(new TXTRecord(n(name), DClass.IN, 60, text));
    }

    private void a(String name, String ip) throws Exception {
        server.add(new ARecord(n(name), DClass.IN, 60, InetAddress.getByName(ip)));
    }

    /** A chain of includes: i1 includes i2 ... the last one passes the client. */
    private void includeChain(String domain, int includes) {
        txt(domain, "v=spf1 include:i1." + domain + " -all");
        for (int i = 1; i < includes; i++) {
            txt("i" + i + "." + domain, "v=spf1 include:i" + (i + 1) + "." + domain + " -all");
        }
        txt("i" + includes + "." + domain, "v=spf1 ip4:192.0.2.0/24 -all");
    }

    @Test
    void ten_dns_terms_are_allowed_the_eleventh_is_a_permerror() {
        includeChain("ten.test", 10);
        includeChain("eleven.test", 11);
        assertThat(spf.check("192.0.2.7", Mailbox.of("a@ten.test"), "h.test")).isEqualTo(SpfResult.PASS);
        assertThat(spf.check("192.0.2.7", Mailbox.of("a@eleven.test"), "h.test")).isEqualTo(SpfResult.PERMERROR);
    }

    @Test
    void an_include_loop_ends_in_permerror() {
        txt("loop.test", "v=spf1 include:loop.test -all");
        assertThat(spf.check("192.0.2.7", Mailbox.of("a@loop.test"), "h.test")).isEqualTo(SpfResult.PERMERROR);
    }

    @Test
    void two_void_lookups_are_allowed_the_third_is_a_permerror() {
        txt("void2.test", "v=spf1 a:no1.void2.test exists:no2.void2.test ?all");
        txt("void3.test", "v=spf1 a:no1.void3.test exists:no2.void3.test mx:no3.void3.test ?all");
        assertThat(spf.check("192.0.2.7", Mailbox.of("a@void2.test"), "h.test")).isEqualTo(SpfResult.NEUTRAL);
        assertThat(spf.check("192.0.2.7", Mailbox.of("a@void3.test"), "h.test")).isEqualTo(SpfResult.PERMERROR);
    }

    @Test
    void ten_mx_names_are_allowed_eleven_are_a_permerror() throws Exception {
        txt("mx10.test", "v=spf1 mx -all");
        txt("mx11.test", "v=spf1 mx -all");
        for (int i = 1; i <= 11; i++) {
            a("m" + i + ".test", "198.51.100." + i);
            if (i <= 10) {
                server.add(new MXRecord(n("mx10.test"), DClass.IN, 60, i, n("m" + i + ".test")));
            }
            server.add(new MXRecord(n("mx11.test"), DClass.IN, 60, i, n("m" + i + ".test")));
        }
        assertThat(spf.check("198.51.100.10", Mailbox.of("a@mx10.test"), "h.test")).isEqualTo(SpfResult.PASS);
        assertThat(spf.check("198.51.100.99", Mailbox.of("a@mx10.test"), "h.test")).isEqualTo(SpfResult.FAIL);
        assertThat(spf.check("198.51.100.1", Mailbox.of("a@mx11.test"), "h.test")).isEqualTo(SpfResult.PERMERROR);
    }

    @Test
    void only_the_first_ten_ptr_names_are_validated() throws Exception {
        txt("ptr.test", "v=spf1 ptr -all");
        Name reverse = n("7.2.0.192.in-addr.arpa");
        for (int i = 1; i <= 11; i++) {
            String host = (i == 11 ? "h11.ptr.test" : "h" + i + ".elsewhere.test");
            server.add(new PTRRecord(reverse, DClass.IN, 60, n(host)));
            a(host, "192.0.2.7");
        }
        assertThat(spf.check("192.0.2.7", Mailbox.of("a@ptr.test"), "h.test"))
                .as("the only name under ptr.test is the 11th PTR name: ignored").isEqualTo(SpfResult.FAIL);
        txt("elsewhere.test", "v=spf1 ptr -all");
        assertThat(spf.check("192.0.2.7", Mailbox.of("a@elsewhere.test"), "h.test")).isEqualTo(SpfResult.PASS);
    }

    @Test
    void dns_timeouts_and_servfail_are_temperror_never_a_pass() throws Exception {
        txt("slow.test", "v=spf1 exists:x.slow-zone.test +all");
        server.timeout(n("x.slow-zone.test"));
        txt("broken.test", "v=spf1 a:x.broken-zone.test +all");
        server.servfail(n("x.broken-zone.test"));
        server.servfail(n("servfail.test"));
        assertThat(spf.check("192.0.2.7", Mailbox.of("a@slow.test"), "h.test")).isEqualTo(SpfResult.TEMPERROR);
        assertThat(spf.check("192.0.2.7", Mailbox.of("a@broken.test"), "h.test")).isEqualTo(SpfResult.TEMPERROR);
        assertThat(spf.check("192.0.2.7", Mailbox.of("a@servfail.test"), "h.test")).isEqualTo(SpfResult.TEMPERROR);
    }

    @Test
    void the_null_sender_is_checked_as_postmaster_at_the_helo_name() {
        txt("helo.test", "v=spf1 exists:%{l}.%{o}.ok.test -all");
        txt("postmaster.helo.test.ok.test", "ok");
        server.add(new ARecord(n("postmaster.helo.test.ok.test"), DClass.IN, 60, InetAddress.getLoopbackAddress()));
        SpfOutcome o = spf.evaluate("192.0.2.7", Mailbox.NULL, "helo.test");
        assertThat(o.result()).isEqualTo(SpfResult.PASS);
        assertThat(o.identity()).isEqualTo("helo");
        assertThat(o.domain()).isEqualTo("helo.test");
        SpfOutcome m = spf.evaluate("192.0.2.7", new Mailbox("", "helo.test"), "other.test");
        assertThat(m.result()).as("empty local part is postmaster").isEqualTo(SpfResult.PASS);
        assertThat(m.identity()).isEqualTo("mailfrom");
    }

    @Test
    void a_fail_carries_the_expanded_explanation() {
        txt("exp.test", "v=spf1 -all exp=why.exp.test");
        txt("why.exp.test", "%{i} is not one of %{d}'s senders (asked %{r})");
        SpfOutcome o = spf.evaluate("192.0.2.7", Mailbox.of("someone@exp.test"), "h.test");
        assertThat(o.result()).isEqualTo(SpfResult.FAIL);
        assertThat(o.explanation()).isEqualTo("192.0.2.7 is not one of exp.test's senders (asked gw.test)");
    }

    @Test
    void ipv4_mapped_ipv6_clients_match_ip4_mechanisms() {
        txt("v4.test", "v=spf1 ip4:192.0.2.0/24 -all");
        assertThat(spf.check("::ffff:192.0.2.7", Mailbox.of("a@v4.test"), "h.test")).isEqualTo(SpfResult.PASS);
        assertThat(spf.check("2001:db8::7", Mailbox.of("a@v4.test"), "h.test")).isEqualTo(SpfResult.FAIL);
    }

    @Test
    void malformed_domains_give_none() {
        assertThat(spf.check("192.0.2.7", new Mailbox("a", "x".repeat(64) + ".test"), "h.test")).isEqualTo(SpfResult.NONE);
        assertThat(spf.check("192.0.2.7", Mailbox.of("a@localhost"), "h.test")).isEqualTo(SpfResult.NONE);
        assertThat(spf.check("192.0.2.7", Mailbox.NULL, "[192.0.2.7]")).isEqualTo(SpfResult.NONE);
    }

    @Test
    void txt_strings_are_read_as_octets_so_non_ascii_is_a_permerror() {
        // RFC 7208 3.1: US-ASCII only. dnsjava's presentation form would turn octet 0xE9 into the ASCII "\233"
        txt("latin1.test", "v=spf1 a:caf\\233.test +all"); // \233 is the zone-file escape of octet 0xE9
        assertThat(spf.check("192.0.2.7", Mailbox.of("a@latin1.test"), "h.test")).isEqualTo(SpfResult.PERMERROR);
    }
}
