package io.mailgateway.policy.spf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * An SPF record is any domain owner's DNS data, up to 64 KB over TCP: parsing one is linear in its
 * length. (The ip6 pattern backtracked quadratically: ip6: and 16,000 colons took 16 s, 64 KB an
 * estimated several minutes of CPU per record, and a check parses up to 11 of them. Without the
 * fix this test does not fail, it runs for minutes.)
 */
class SpfRecordParserTest {

    @Test
    void should_parse_ip6_networks_and_refuse_a_huge_malformed_one_in_one_pass() throws Exception {
        SpfRecord record = SpfRecordParser.parse("v=spf1 ip6:2001:db8::/32 ip6:::1 -all");
        assertThat(record.mechanisms()).extracting(SpfRecord.Mechanism::cidr6).containsExactly(32, 128, 128);
        assertThat(java.net.InetAddress.getByAddress(record.mechanisms().get(0).network()).getHostAddress())
                .isEqualTo("2001:db8:0:0:0:0:0:0");
        assertThatThrownBy(() -> SpfRecordParser.parse("v=spf1 ip6:1234 -all")).isInstanceOf(SpfException.class);
        assertThatThrownBy(() -> SpfRecordParser.parse("v=spf1 ip6:" + ":".repeat(64_000) + "g -all"))
                .isInstanceOf(SpfException.class).hasMessageContaining("bad network");
    }
}
