package io.mailgateway.policy;

import static io.mailgateway.reply.EnhancedStatus.of;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailgateway.reply.SmtpReply;
import org.junit.jupiter.api.Test;

/** The verdict type: what each factory makes, and what it refuses to make. */
class VerdictTest {

    private static final SmtpReply REFUSED = SmtpReply.of(550, of(5, 7, 1), "Refused");
    private static final SmtpReply LATER = SmtpReply.of(451, of(4, 7, 1), "Try again later");

    @Test
    void should_make_the_four_actions_with_their_replies() {
        assertThat(Verdict.accept().isAccept()).isTrue();
        assertThat(Verdict.accept().refuses()).isFalse();
        assertThat(Verdict.reject(REFUSED, "why").reply()).isEqualTo(REFUSED);
        assertThat(Verdict.reject(REFUSED, "why").refuses()).isTrue();
        assertThat(Verdict.tempfail(LATER, "why").action()).isEqualTo(Verdict.Action.TEMPFAIL);
        assertThat(Verdict.tempfail(LATER, "why").refuses()).isTrue();
        Verdict q = Verdict.quarantine("suspicious");
        assertThat(q.refuses()).isFalse();
        assertThat(q.reply()).isNull();
        assertThat(q.reason()).isEqualTo("suspicious");
    }

    @Test
    void should_refuse_a_reply_of_the_wrong_class() {
        assertThatThrownBy(() -> Verdict.reject(LATER, "x")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("5xx");
        assertThatThrownBy(() -> Verdict.tempfail(REFUSED, "x")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4xx");
        assertThatThrownBy(() -> new Verdict(Verdict.Action.ACCEPT, REFUSED, null, java.util.List.of(), java.util.List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void should_add_headers_and_results_without_changing_the_original() {
        Verdict base = Verdict.quarantine("spam");
        Verdict more = base.withHeader("X-Spam-Score", "7.5").withResult(AuthResult.of("spf", "pass").with("smtp.mailfrom", "a.test"));
        assertThat(base.headers()).isEmpty();
        assertThat(base.results()).isEmpty();
        assertThat(more.action()).isEqualTo(Verdict.Action.QUARANTINE);
        assertThat(more.headers()).containsExactly(new Verdict.Header("X-Spam-Score", "7.5"));
        assertThat(more.headers().get(0).toField()).isEqualTo("X-Spam-Score: 7.5\r\n");
        assertThat(more.results().get(0).property("smtp.mailfrom")).contains("a.test");
        assertThat(Verdict.accept().withHeader("X-A", "1")).isEqualTo(Verdict.accept().withHeader("X-A", "1"));
    }

    @Test
    void should_not_let_a_header_inject_another_field() {
        assertThatThrownBy(() -> Verdict.accept().withHeader("X-A", "1\r\nX-Injected: 2")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Verdict.accept().withHeader("X A:", "1")).isInstanceOf(IllegalArgumentException.class);
    }
}
