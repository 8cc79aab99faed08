package io.mailgateway.policy.camel;

import static io.mailgateway.reply.EnhancedStatus.of;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.message.MailHeaders;
import io.mailgateway.message.MessageContent;
import io.mailgateway.policy.DataCheck;
import io.mailgateway.policy.Verdict;
import io.mailgateway.policy.Verdicts;
import io.mailgateway.reply.SmtpReply;
import io.mailgateway.testing.Envelopes;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The decision step and the check step on a bare exchange: what each verdict does to it. */
class PolicyDecisionTest {

    private static final SmtpReply REFUSED = SmtpReply.of(550, of(5, 7, 1), "Refused");
    private static final String MESSAGE = "From: a@example.org\r\nSubject: t\r\n\r\nbody\r\n";

    private final DefaultCamelContext camel = new DefaultCamelContext();
    private MessageContent content;

    private Exchange exchange(Verdict... verdicts) {
        Exchange e = new DefaultExchange(camel);
        content = MessageContent.inBuffer(Unpooled.copiedBuffer(MESSAGE, StandardCharsets.US_ASCII));
        e.getIn().setBody(content);
        e.getIn().setHeader(MailHeaders.QUEUE_ID, "Q1");
        Envelopes.headers("a@example.org", List.of("b@example.com"), List.of()).forEach(e.getIn()::setHeader);
        Verdicts recorded = new Verdicts();
        for (int i = 0; i < verdicts.length; i++) {
            recorded.add("check" + i, verdicts[i]);
        }
        e.setProperty(CheckStep.VERDICTS, recorded);
        return e;
    }

    private static String body(Exchange e) throws Exception {
        try (var in = e.getIn().getBody(MessageContent.class).openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @AfterEach
    void release() {
        content.release();
    }

    @Test
    void should_stop_the_route_and_leave_the_reply_for_the_listener_on_a_reject() throws Exception {
        Exchange e = exchange(Verdict.accept(), Verdict.reject(REFUSED, "no"), Verdict.quarantine("also"));
        new PolicyDecision().process(e);
        assertThat(e.isRouteStop()).isTrue();
        assertThat(e.getProperty(PolicyDecision.REFUSAL)).isEqualTo(REFUSED);
        assertThat(e.getProperty(PolicyDecision.REFUSAL_REASON, String.class)).isEqualTo("check1: no");
        assertThat(e.getIn().getHeader(MailHeaders.QUARANTINE)).isNull();
    }

    @Test
    void should_flag_a_quarantined_message_and_add_the_checks_headers() throws Exception {
        Exchange e = exchange(Verdict.accept().withHeader("X-A", "1"), Verdict.quarantine("spam").withHeader("X-B", "2"));
        new PolicyDecision().process(e);
        assertThat(e.isRouteStop()).isFalse();
        assertThat(e.getProperty(PolicyDecision.REFUSAL)).isNull();
        assertThat(e.getIn().getHeader(MailHeaders.QUARANTINE)).isEqualTo("true");
        assertThat(body(e)).isEqualTo("X-A: 1\r\nX-B: 2\r\n" + MESSAGE);
    }

    @Test
    void should_leave_an_accepted_message_as_it_is() throws Exception {
        Exchange e = exchange();
        new PolicyDecision().process(e);
        assertThat(e.isRouteStop()).isFalse();
        assertThat(e.getIn().getHeader(MailHeaders.QUARANTINE)).isNull();
        assertThat(body(e)).isEqualTo(MESSAGE);
    }

    @Test
    void should_record_each_verdict_and_skip_checks_after_a_refusal() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        DataCheck counting = m -> {
            runs.incrementAndGet();
            assertThat(m.envelope().sender().domain()).isEqualTo("example.org");
            assertThat(m.queueId()).isEqualTo("Q1");
            return Verdict.accept();
        };
        Exchange e = exchange();
        new CheckStep("first", counting).process(e);
        new CheckStep("refuser", m -> Verdict.reject(REFUSED, "no")).process(e);
        new CheckStep("skipped", counting).process(e);
        assertThat(runs).hasValue(1);
        assertThat(e.getProperty(CheckStep.VERDICTS, Verdicts.class).entries()).extracting(Verdicts.Entry::check)
                .containsExactly("first", "refuser");
    }
}
