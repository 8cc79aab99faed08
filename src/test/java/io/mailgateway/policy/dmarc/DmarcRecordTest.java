package io.mailgateway.policy.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.policy.dmarc.DmarcRecord.Policy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 7489 6.3 tags and 6.6.3's handling of records that are not valid. */
class DmarcRecordTest {

    @Test
    void should_read_p_sp_pct_and_alignment_modes() {
        DmarcRecord r = DmarcRecord.parse("v=DMARC1; p=quarantine; sp=reject; pct=25; adkim=s; aspf=r; rua=mailto:d@example.com").orElseThrow();
        assertThat(r).isEqualTo(new DmarcRecord(Policy.QUARANTINE, Policy.REJECT, 25, true, false));
    }

    @Test
    void should_default_sp_to_p_pct_to_100_and_alignment_to_relaxed() {
        assertThat(DmarcRecord.parse("v=DMARC1;p=reject").orElseThrow())
                .isEqualTo(new DmarcRecord(Policy.REJECT, Policy.REJECT, 100, false, false));
    }

    @Test
    void should_ignore_unknown_tags_and_tolerate_spaces_and_a_trailing_semicolon() {
        assertThat(DmarcRecord.parse("v=DMARC1 ;  p = none ; future=thing ;").orElseThrow().p()).isEqualTo(Policy.NONE);
    }

    @Test
    void should_read_a_record_without_valid_p_but_with_rua_as_p_none() {
        assertThat(DmarcRecord.parse("v=DMARC1; p=bogus; rua=mailto:agg@example.com").orElseThrow().p()).isEqualTo(Policy.NONE);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "v=DMARC1",                          // no p, no rua
        "v=DMARC1; p=bogus",
        "v=DMARC1; p=reject; sp=maybe",
        "v=DMARC1; p=reject; pct=101",
        "v=DMARC1; p=reject; pct=ten",
        "v=DMARC1; p=reject; adkim=x",
        "v=DMARC1; p=reject; aspf=relaxed",
        "v=DMARC1; p=reject; p=none",        // a tag twice
        "v=DMARC1; p=reject; garbage",
    })
    void should_refuse_malformed_records(String txt) {
        assertThat(DmarcRecord.parse(txt)).isEmpty();
    }

    @Test
    void should_tell_dmarc_records_from_other_txt_records() {
        assertThat(DmarcRecord.isDmarc("v=DMARC1; p=none")).isTrue();
        assertThat(DmarcRecord.isDmarc("v = DMARC1;p=none")).isTrue();
        assertThat(DmarcRecord.isDmarc("v=spf1 -all")).isFalse();
        assertThat(DmarcRecord.isDmarc("p=reject; v=DMARC1")).isFalse();
        assertThat(DmarcRecord.isDmarc("v=DMARC2; p=reject")).isFalse();
    }
}
