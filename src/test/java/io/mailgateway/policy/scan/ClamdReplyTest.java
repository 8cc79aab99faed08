package io.mailgateway.policy.scan;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.policy.scan.ClamdReply.Kind;
import org.junit.jupiter.api.Test;

/** clamd's INSTREAM replies, as clamd 1.4 (Debian 12) answered here. */
class ClamdReplyTest {

    @Test
    void should_read_clean_infected_size_limit_and_errors() {
        assertThat(ClamdReply.parse("stream: OK")).isEqualTo(new ClamdReply(Kind.CLEAN, "stream: OK"));
        assertThat(ClamdReply.parse("stream: Eicar-Test-Signature.UNOFFICIAL FOUND"))
                .isEqualTo(new ClamdReply(Kind.INFECTED, "Eicar-Test-Signature.UNOFFICIAL"));
        assertThat(ClamdReply.parse("stream: Win.Test.EICAR_HDB-1 FOUND\n").detail()).isEqualTo("Win.Test.EICAR_HDB-1");
        assertThat(ClamdReply.parse("INSTREAM size limit exceeded. ERROR").kind()).isEqualTo(Kind.SIZE_LIMIT);
        assertThat(ClamdReply.parse("stream: Can't allocate memory ERROR").kind()).isEqualTo(Kind.ERROR);
        assertThat(ClamdReply.parse("UNKNOWN COMMAND").kind()).isEqualTo(Kind.ERROR);
        assertThat(ClamdReply.parse("")).isEqualTo(new ClamdReply(Kind.ERROR, "(empty reply)"));
    }

    @Test
    void should_parse_addresses_of_clamd() {
        assertThat(ClamdClient.checkAddress("127.0.0.1:3310")).isNull();
        assertThat(ClamdClient.checkAddress("[::1]:3310")).isNull();
        assertThat(ClamdClient.checkAddress("clamav.internal:3310")).isNull();
        assertThat(ClamdClient.checkAddress("/run/clamav/clamd.ctl")).isNull();
        assertThat(ClamdClient.checkAddress("127.0.0.1")).contains("host:port");
        assertThat(ClamdClient.checkAddress("127.0.0.1:99999")).contains("host:port");
        assertThat(ClamdClient.checkAddress(":3310")).contains("host:port");
    }
}
