package io.mailgateway.policy.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class CidrSetTest {

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    /** An IPv4-mapped address kept as an Inet6Address (as a dual-stack socket may report it). */
    private static InetAddress mapped(int a, int b, int c, int d) throws Exception {
        byte[] bytes = new byte[16];
        bytes[10] = (byte) 0xff;
        bytes[11] = (byte) 0xff;
        bytes[12] = (byte) a;
        bytes[13] = (byte) b;
        bytes[14] = (byte) c;
        bytes[15] = (byte) d;
        InetAddress m = Inet6Address.getByAddress(null, bytes, -1);
        assertThat(m).isInstanceOf(Inet6Address.class);
        return m;
    }

    @Test
    void should_match_ipv4_networks_by_prefix() throws Exception {
        CidrSet set = CidrSet.parse("10.0.0.0/8, 192.0.2.128/25 ,198.51.100.7");
        assertThat(set.contains(ip("10.255.1.2"))).isTrue();
        assertThat(set.contains(ip("11.0.0.1"))).isFalse();
        assertThat(set.contains(ip("192.0.2.200"))).isTrue();
        assertThat(set.contains(ip("192.0.2.127"))).isFalse();
        assertThat(set.contains(ip("198.51.100.7"))).isTrue();
        assertThat(set.contains(ip("198.51.100.8"))).isFalse();
    }

    @Test
    void should_match_ipv6_networks_including_loopback() throws Exception {
        CidrSet set = CidrSet.parse("::1,2001:db8::/32,2001:db8:ffff:1::/64,fe80::/10");
        assertThat(set.contains(ip("::1"))).isTrue();
        assertThat(set.contains(ip("::2"))).isFalse();
        assertThat(set.contains(ip("2001:db8:1234::5"))).isTrue();
        assertThat(set.contains(ip("2001:db9::1"))).isFalse();
        assertThat(set.contains(ip("fe80::1"))).isTrue();
        assertThat(set.contains(ip("fec0::1"))).isFalse();
        assertThat(CidrSet.parse("2001:db8:0:1::/64").contains(ip("2001:db8:0:1:ffff::1"))).isTrue();
        assertThat(CidrSet.parse("2001:db8:0:1::/64").contains(ip("2001:db8:0:2::1"))).isFalse();
        assertThat(CidrSet.parse("2001:db8::1:0/112").contains(ip("2001:db8::1:abcd"))).isTrue();
        assertThat(CidrSet.parse("2001:db8::1:0/112").contains(ip("2001:db8::2:0"))).isFalse();
    }

    @Test
    void should_not_mix_families() throws Exception {
        assertThat(CidrSet.parse("0.0.0.0/0").contains(ip("::1"))).isFalse();
        assertThat(CidrSet.parse("::/0").contains(ip("127.0.0.1"))).isFalse();
        assertThat(CidrSet.parse("::/0").contains(ip("2001:db8::1"))).isTrue();
        assertThat(CidrSet.parse("0.0.0.0/0").contains(ip("203.0.113.9"))).isTrue();
    }

    @Test
    void should_treat_ipv4_mapped_ipv6_as_ipv4_on_both_sides() throws Exception {
        CidrSet loopback = CidrSet.parse("127.0.0.0/8,::1");
        assertThat(loopback.contains(mapped(127, 0, 0, 1))).isTrue();
        assertThat(loopback.contains(mapped(127, 9, 9, 9))).isTrue();
        assertThat(loopback.contains(mapped(128, 0, 0, 1))).isFalse();
        assertThat(loopback.contains(ip("::ffff:127.0.0.1"))).isTrue();
        CidrSet writtenMapped = CidrSet.parse("::ffff:127.0.0.1,::ffff:10.0.0.0/104");
        assertThat(writtenMapped.contains(ip("127.0.0.1"))).isTrue();
        assertThat(writtenMapped.contains(ip("127.0.0.2"))).isFalse();
        assertThat(writtenMapped.contains(ip("10.20.30.40"))).isTrue();
        assertThat(writtenMapped.contains(mapped(10, 1, 1, 1))).isTrue();
        assertThat(ClientKey.of(mapped(192, 0, 2, 1))).isEqualTo(ClientKey.of(ip("192.0.2.1")));
    }

    @Test
    void should_count_ipv6_clients_per_64_and_ipv4_per_address() throws Exception {
        assertThat(ClientKey.of(ip("2001:db8:1:2::1"))).isEqualTo(ClientKey.of(ip("2001:db8:1:2:ffff:ffff:ffff:ffff")));
        assertThat(ClientKey.of(ip("2001:db8:1:2::1"))).isNotEqualTo(ClientKey.of(ip("2001:db8:1:3::1")));
        assertThat(ClientKey.of(ip("192.0.2.1"))).isNotEqualTo(ClientKey.of(ip("192.0.2.2")));
        // an IPv4 address and an IPv6 /64 with the same bits are different clients
        assertThat(ClientKey.of(ip("0.0.0.1"))).isNotEqualTo(ClientKey.of(ip("0:0:0:1::")));
        assertThat(ClientKey.greylistNetwork(ip("192.0.2.77"))).isEqualTo("192.0.2.0/24");
        assertThat(ClientKey.greylistNetwork(ip("2001:db8:a:b:c:d:e:f"))).isEqualTo("2001:db8:a:b::/64");
        assertThat(ClientKey.greylistNetwork(mapped(192, 0, 2, 77))).isEqualTo("192.0.2.0/24");
    }

    @Test
    void should_accept_an_empty_list() throws Exception {
        assertThat(CidrSet.parse("").isEmpty()).isTrue();
        assertThat(CidrSet.parse(" , ").contains(ip("127.0.0.1"))).isFalse();
    }

    @Test
    void should_name_the_bad_entry_and_never_resolve_names() {
        assertThatThrownBy(() -> CidrSet.parse("127.0.0.0/8,localhost")).hasMessageContaining("'localhost'");
        assertThatThrownBy(() -> CidrSet.parse("10.0.0.0/33")).hasMessageContaining("'10.0.0.0/33'");
        assertThatThrownBy(() -> CidrSet.parse("300.0.0.1")).hasMessageContaining("'300.0.0.1'");
        assertThatThrownBy(() -> CidrSet.parse("2001:db8::/129")).hasMessageContaining("'2001:db8::/129'");
        assertThatThrownBy(() -> CidrSet.parse("2001:db8::/x")).hasMessageContaining("'2001:db8::/x'");
        assertThatThrownBy(() -> CidrSet.parse("::ffff:10.0.0.0/8")).hasMessageContaining("'::ffff:10.0.0.0/8'");
        assertThatThrownBy(() -> CidrSet.parse("1:2:3")).hasMessageContaining("'1:2:3'");
        assertThat(CidrSet.check("10.0.0.0/8,::1")).isNull();
        assertThat(CidrSet.check("10.0.0.0/8,bad")).contains("'bad'");
    }
}
