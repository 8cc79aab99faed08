package io.mailgateway.policy;

import static io.mailgateway.reply.EnhancedStatus.of;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.reply.SmtpReply;
import org.junit.jupiter.api.Test;

/** The end-of-data decision: which verdict wins, and what an accepted message carries. */
class VerdictsTest {

    private static final SmtpReply REFUSED = SmtpReply.of(550, of(5, 7, 1), "Refused");
    private static final SmtpReply LATER = SmtpReply.of(451, of(4, 4, 3), "Try again later");

    @Test
    void should_accept_when_no_check_ran() {
        assertThat(new Verdicts().decide()).isEqualTo(Verdict.accept());
    }

    @Test
    void should_let_the_first_refusal_decide_whatever_follows() {
        Verdicts v = new Verdicts();
        v.add("spf", Verdict.accept().withResult(AuthResult.of("spf", "fail")));
        v.add("quarantiner", Verdict.quarantine("odd"));
        v.add("later", Verdict.tempfail(LATER, "dns"));
        v.add("reject", Verdict.reject(REFUSED, "bad"));
        assertThat(v.refused()).isTrue();
        assertThat(v.decide().reply()).isEqualTo(LATER);
        assertThat(v.refusedBy()).isEqualTo("later");
    }

    @Test
    void should_quarantine_when_any_check_asks_and_none_refuses_keeping_every_header_and_result() {
        Verdicts v = new Verdicts();
        v.add("spf", Verdict.accept().withResult(AuthResult.of("spf", "pass")));
        v.add("spam", Verdict.quarantine("score 9").withHeader("X-Spam", "yes"));
        v.add("virus", Verdict.accept().withHeader("X-Virus", "clean"));
        Verdict d = v.decide();
        assertThat(d.action()).isEqualTo(Verdict.Action.QUARANTINE);
        assertThat(d.reason()).isEqualTo("spam: score 9");
        assertThat(d.headers()).extracting(Verdict.Header::name).containsExactly("X-Spam", "X-Virus");
        assertThat(d.results()).extracting(AuthResult::method).containsExactly("spf");
        assertThat(v.refusedBy()).isNull();
    }

    @Test
    void should_accept_with_the_headers_and_results_of_all_checks() {
        Verdicts v = new Verdicts();
        v.add("dkim", Verdict.accept().withResult(AuthResult.of("dkim", "none")));
        v.add("spf", Verdict.accept().withResult(AuthResult.of("spf", "pass")).withHeader("X-A", "1"));
        Verdict d = v.decide();
        assertThat(d.isAccept()).isTrue();
        assertThat(d.results()).extracting(AuthResult::method).containsExactly("dkim", "spf");
        assertThat(v.results()).isEqualTo(d.results());
        assertThat(d.headers()).hasSize(1);
    }
}
