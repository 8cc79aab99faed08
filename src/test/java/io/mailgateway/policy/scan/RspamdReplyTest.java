package io.mailgateway.policy.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailgateway.policy.scan.RspamdReply.RspamdException;
import org.junit.jupiter.api.Test;

/** rspamd's /checkv2 JSON, as rspamd 3.4 (Debian 12) answered here. */
class RspamdReplyTest {

    /** GTUBE: a pre-filter reject ("passthrough"); its symbol scores 0, the score is rspamd's reject threshold. */
    static final String GTUBE = "{\"is_skipped\":true,\"score\":15.0,\"required_score\":15.0,\"action\":\"reject\","
            + "\"symbols\":{\"GTUBE\":{\"name\":\"GTUBE\",\"score\":0.0,\"metric_score\":0.0}},"
            + "\"messages\":{\"smtp_message\":\"Gtube pattern\"},\"message-id\":\"undef\",\"time_real\":0.122311}";

    @Test
    void should_read_score_action_and_symbols_of_a_gtube_reply() throws Exception {
        RspamdReply r = RspamdReply.parse(GTUBE);
        assertThat(r.score()).isEqualTo(15.0);
        assertThat(r.requiredScore()).isEqualTo(15.0);
        assertThat(r.action()).isEqualTo("reject");
        assertThat(r.symbols()).containsExactly("GTUBE");
    }

    @Test
    void should_read_a_clean_reply_and_a_fractional_score() throws Exception {
        assertThat(RspamdReply.parse("{\"is_skipped\":false,\"score\":0.0,\"required_score\":15.0,\"action\":\"no action\","
                + "\"symbols\":{},\"messages\":{}}")).isEqualTo(new RspamdReply(0.0, 15.0, "no action", java.util.List.of()));
        RspamdReply scored = RspamdReply.parse("{\"score\":8.500000,\"required_score\":15.0,\"action\":\"add header\",\"symbols\":"
                + "{\"B\":{\"score\":1},\"A\":{\"score\":7.5}}}");
        assertThat(scored.score()).isEqualTo(8.5);
        assertThat(scored.symbols()).containsExactly("A", "B");
    }

    @Test
    void should_treat_an_error_reply_or_garbage_as_an_engine_failure() {
        assertThatThrownBy(() -> RspamdReply.parse("{\"error\":\"cannot parse input\"}"))
                .isInstanceOf(RspamdException.class).hasMessageContaining("cannot parse input");
        assertThatThrownBy(() -> RspamdReply.parse("<html>502</html>")).isInstanceOf(RspamdException.class);
        assertThatThrownBy(() -> RspamdReply.parse("[1,2]")).isInstanceOf(RspamdException.class);
        assertThatThrownBy(() -> RspamdReply.parse("{\"action\":\"reject\"}")).isInstanceOf(RspamdException.class)
                .hasMessageContaining("without score");
    }
}
