package io.mailgateway.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.testing.SmtpTestClient;
import io.mailgateway.testing.TestGateway;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Mail loops end at the headerLimits step (RFC 5321 6.3): over the real listener, a message that
 * arrives with more Received fields than HOP_COUNT_LIMIT (100 by default) gets 554 5.4.6 and is
 * not stored; one with exactly 100 is accepted. A header section over 1 MiB gets 552 5.3.4.
 */
@ExtendWith(TestGateway.class)
class HeaderLimitsTest {

    private static int count(String message, int stopAt) throws Exception {
        return HeaderLimits.receivedFields(new ByteArrayInputStream(message.getBytes(StandardCharsets.US_ASCII)), stopAt);
    }

    @Test
    void should_count_received_fields_of_the_header_section_only() throws Exception {
        String headers = "Received: from a\r\n by b\r\nRECEIVED:from c\r\nX-Received: no\r\nReceived-SPF: pass\r\n"
                + " Received: a folded line, not a field\r\nreceived: from d\r\n";
        assertThat(count(headers + "\r\nReceived: in the body\r\n", 1000)).isEqualTo(3);
        assertThat(count(headers.replace("\r\n", "\n") + "\nReceived: in the body\n", 1000)).isEqualTo(3); // bare LF lines
        assertThat(count(headers, 2)).as("stops once over the limit").isEqualTo(2);
        assertThat(count("Subject: none\r\n\r\n", 10)).isZero();
    }

    @Test
    void should_refuse_a_message_with_more_received_fields_than_the_limit_and_accept_one_at_it() throws Exception {
        String rcpt = TestGateway.uniqueUser("hops") + "@example.com";
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
            c.send("MAIL FROM:<sender@example.org>").expect(250);
            c.send("RCPT TO:<" + rcpt + ">").expect(250);
            c.send("DATA").expect(354);
            c.sendRaw(message(101));
            SmtpTestClient.Reply refused = c.expect(554, "5.4.6");
            assertThat(refused.text()).contains("Too many hops");

            String accepted = c.sendMail("sender@example.org", java.util.List.of(rcpt), message(100));
            assertThat(accepted).isNotBlank();
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> !TestGateway.newMail(rcpt).isEmpty());
        assertThat(TestGateway.newMail(rcpt)).as("only the message within the limit").hasSize(1);
    }

    @Test
    void should_refuse_a_header_section_over_one_mebibyte() throws Exception {
        String rcpt = TestGateway.uniqueUser("bighead") + "@example.com";
        StringBuilder m = new StringBuilder();
        while (m.length() <= HeaderLimits.MAX_HEADER_OCTETS) {
            m.append("X-Pad: ").append("p".repeat(990)).append("\r\n");
        }
        m.append("Authentication-Results: mx.test.local; dmarc=pass\r\n\r\nbody\r\n.\r\n");
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
            c.send("MAIL FROM:<sender@example.org>").expect(250);
            c.send("RCPT TO:<" + rcpt + ">").expect(250);
            c.send("DATA").expect(354);
            c.sendRaw(m.toString().getBytes(StandardCharsets.US_ASCII));
            c.expect(552, "5.3.4");
        }
        assertThat(HeaderLimits.scan(new ByteArrayInputStream("Subject: small\r\n\r\n".getBytes(StandardCharsets.US_ASCII)),
                101, HeaderLimits.MAX_HEADER_OCTETS).withinSize()).isTrue();
    }

    private static byte[] message(int hops) {
        StringBuilder m = new StringBuilder();
        for (int i = 0; i < hops; i++) {
            m.append("Received: from hop").append(i).append(".example.org by mx.example.com; Wed, 2 Dec 2026 16:00:00 +0000\r\n");
        }
        return m.append("Subject: loop\r\n\r\nbody\r\n.\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    }
}
