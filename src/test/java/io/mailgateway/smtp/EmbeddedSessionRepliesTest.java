package io.mailgateway.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Replies checked on the embedded pipeline: an unexpected error closes the session with 421 (RFC 5321 3.8), not 451; SIZE takes leading zeros (RFC 1870: 1*20DIGIT). */
class EmbeddedSessionRepliesTest {

    @Test
    void should_answer_421_and_close_when_the_session_fails() {
        try (EmbeddedSmtpSession smtp = new EmbeddedSmtpSession()) {
            smtp.feed("EHLO client.test\r\nMAIL FROM:<a@example.org>\r\n", 64);
            smtp.fail(new IllegalStateException("a bug"));

            assertThat(smtp.replyLines().get(smtp.replyLines().size() - 1)).startsWith("421 4.3.0 ");
            assertThat(smtp.open()).isFalse();
            assertThat(smtp.sessionFailures()).isEqualTo(1);
        }
    }

    @Test
    void should_take_a_size_with_leading_zeros() {
        try (EmbeddedSmtpSession smtp = new EmbeddedSmtpSession()) {
            smtp.feed("EHLO client.test\r\nMAIL FROM:<a@example.org> SIZE=0000000000000000001\r\n", 64);

            assertThat(smtp.replyLines().get(smtp.replyLines().size() - 1)).startsWith("250 2.1.0");
        }
    }

    @Test
    void should_refuse_an_address_that_is_not_utf8_even_with_smtputf8() {
        try (EmbeddedSmtpSession smtp = new EmbeddedSmtpSession()) {
            smtp.feed("EHLO client.test\r\nMAIL FROM:<\u00e9t\u00e9@example.org> SMTPUTF8\r\n", 64);
            assertThat(last(smtp)).startsWith("501 5.1.7");
            smtp.feed("MAIL FROM:<a@example.org> SMTPUTF8\r\nRCPT TO:<\u00e9t\u00e9@example.com>\r\n", 64);
            assertThat(last(smtp)).startsWith("501 5.1.3");
            // the same name in UTF-8 is an address
            smtp.feed(("RCPT TO:<\u00e9t\u00e9@example.com>\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8), 64);
            assertThat(last(smtp)).startsWith("250 2.1.5");
        }
    }

    @Test
    void should_refuse_bdat_after_helo_and_still_consume_its_chunk() {
        try (EmbeddedSmtpSession smtp = new EmbeddedSmtpSession()) {
            smtp.feed("HELO client.test\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.com>\r\nBDAT 6 LAST\r\nNOOP\r\n", 64);
            assertThat(last(smtp)).startsWith("503 5.5.1");
            smtp.feed("NOOP\r\n", 64);
            assertThat(smtp.replyLines()).hasSize(6); // greeting, HELO, MAIL, RCPT, BDAT, NOOP: the chunk ran as nothing
            assertThat(smtp.messages()).isEmpty();
        }
    }

    @Test
    void should_keep_the_transaction_when_a_check_refuses_the_ehlo_name() {
        io.mailgateway.policy.HeloCheck refuseOne = client -> "refused.test".equals(client.helo())
                ? io.mailgateway.policy.Verdict.reject(io.mailgateway.reply.SmtpReply.of(550,
                        io.mailgateway.reply.EnhancedStatus.of(5, 7, 1), "Bad HELO name"), "test")
                : io.mailgateway.policy.Verdict.accept();
        try (EmbeddedSmtpSession smtp = new EmbeddedSmtpSession(io.mailgateway.policy.PolicyChain.builder().add(refuseOne).build())) {
            smtp.feed("EHLO client.test\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.com>\r\nEHLO refused.test\r\n", 64);
            assertThat(last(smtp)).isEqualTo("550 5.7.1 Bad HELO name");
            // RFC 5321 4.1.4 resets the transaction on an EHLO that is accepted, not on one that is refused
            smtp.feed("DATA\r\n", 64);
            assertThat(last(smtp)).startsWith("354");
            smtp.feed("Subject: kept\r\n\r\nbody\r\n.\r\n", 64);
            assertThat(last(smtp)).startsWith("250 2.0.0");
            assertThat(smtp.messages()).hasSize(1);
            // an accepted one does reset it
            smtp.feed("MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.com>\r\nEHLO client.test\r\nDATA\r\n", 64);
            assertThat(last(smtp)).startsWith("503 5.5.1");
        }
    }

    private static String last(EmbeddedSmtpSession smtp) {
        return smtp.replyLines().get(smtp.replyLines().size() - 1);
    }
}
