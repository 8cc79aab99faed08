package io.mailgateway.policy.scan;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.policy.Verdict;
import io.mailgateway.policy.Verdict.Action;
import io.mailgateway.policy.Verdict.Header;
import io.mailgateway.policy.limits.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How rspamd's score and action become our verdict, thresholds 6 and 15. */
class SpamVerdictTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final SpamCheck check = new SpamCheck(true, new RspamdClient("http://127.0.0.1:9", Duration.ofSeconds(1)), 6, 15,
            FailAction.ACCEPT, new CircuitBreaker(1, Duration.ofSeconds(1), new ManualClock()), new ScanMetrics(registry));

    @Test
    void should_accept_below_the_threshold_with_the_score_in_the_headers() {
        Verdict v = check.verdict("Q1", new RspamdReply(2.25, 15, "no action", List.of("R_SPF_NA")));
        assertThat(v.action()).isEqualTo(Action.ACCEPT);
        assertThat(v.headers()).containsExactly(new Header("X-Spam-Score", "2.25"),
                new Header("X-Spam-Status", "No, score=2.25 required=6.00"));
        assertThat(SpamColumns.verdictOf(v.headers().get(1).value())).isEqualTo("clean");
    }

    @Test
    void should_quarantine_from_the_threshold_and_reject_from_the_reject_threshold() {
        Verdict atThreshold = check.verdict("Q2", new RspamdReply(6, 15, "no action", List.of()));
        assertThat(atThreshold.action()).isEqualTo(Action.QUARANTINE);
        assertThat(atThreshold.headers()).contains(new Header("X-Spam-Status", "Yes, score=6.00 required=6.00"));
        assertThat(SpamColumns.verdictOf("Yes, score=6.00 required=6.00")).isEqualTo("spam");
        Verdict high = check.verdict("Q3", new RspamdReply(15, 15, "no action", List.of()));
        assertThat(high.action()).isEqualTo(Action.REJECT);
        assertThat(high.reply().code()).isEqualTo(550);
        assertThat(high.reply().status().toString()).isEqualTo("5.7.1");
    }

    @Test
    void should_let_rspamds_own_actions_raise_the_score_to_their_threshold() {
        // GTUBE and other pre-filters: action reject whatever the score (rspamd 3.4 reports its
        // reject threshold, other versions 0)
        assertThat(check.verdict("Q4", new RspamdReply(0, 15, "reject", List.of("GTUBE"))).action()).isEqualTo(Action.REJECT);
        Verdict addHeader = check.verdict("Q5", new RspamdReply(1.5, 15, "add header", List.of()));
        assertThat(addHeader.action()).isEqualTo(Action.QUARANTINE);
        assertThat(addHeader.headers()).contains(new Header("X-Spam-Score", "6.00"));
        assertThat(check.verdict("Q6", new RspamdReply(1, 15, "rewrite subject", List.of())).action()).isEqualTo(Action.QUARANTINE);
        Verdict soft = check.verdict("Q7", new RspamdReply(0, 15, "soft reject", List.of("RATELIMITED")));
        assertThat(soft.action()).isEqualTo(Action.TEMPFAIL);
        assertThat(soft.reply().code()).isEqualTo(451);
        assertThat(check.verdict("Q8", new RspamdReply(3, 15, "greylist", List.of())).action()).isEqualTo(Action.ACCEPT);
    }

    @Test
    void should_take_rspamds_quarantine_and_discard_as_decisive_whatever_the_score() {
        // rspamd 3.x actions a force_actions rule may set with a low score
        Verdict quarantine = check.verdict("Q10", new RspamdReply(0, 15, "quarantine", List.of("FORCED")));
        assertThat(quarantine.action()).isEqualTo(Action.QUARANTINE);
        assertThat(quarantine.headers()).contains(new Header("X-Spam-Score", "6.00"));
        Verdict discard = check.verdict("Q11", new RspamdReply(0, 15, "discard", List.of("FORCED")));
        assertThat(discard.action()).isEqualTo(Action.REJECT);
        assertThat(discard.reply().code()).isEqualTo(550);
    }

    @Test
    void should_count_each_result_and_register_every_series_at_start() {
        check.verdict("Q9", new RspamdReply(7, 15, "no action", List.of()));
        assertThat(registry.get("smtp.policy.results").tags("check", "spam", "result", "quarantine").counter().count()).isEqualTo(1);
        for (String r : ScanMetrics.SPAM_RESULTS) {
            assertThat(registry.get("smtp.policy.results").tags("check", "spam", "result", r).counter()).isNotNull();
        }
        for (String r : ScanMetrics.VIRUS_RESULTS) {
            assertThat(registry.get("smtp.policy.results").tags("check", "virus", "result", r).counter().count()).isZero();
        }
    }
}
