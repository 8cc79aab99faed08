package io.mailgateway.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.testing.SmtpTestClient;
import io.mailgateway.testing.TestGateway;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * No open relay: without AUTH, every address that would leave for a domain we neither host nor
 * relay is refused at RCPT with a permanent reply, however it is dressed up (the classic relay
 * tests: percent hack, bang paths, source routes, quoted local parts holding an address,
 * look-alike and upper-case domains, trailing dots, address literals).
 */
@ExtendWith(TestGateway.class)
class OpenRelayTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "victim@remote.example",
        "VICTIM@REMOTE.EXAMPLE",
        "victim@remote.example.",
        "victim%remote.example@example.com",
        "victim%remote.example@localhost",
        "remote.example!victim@example.com",
        "victim!remote.example@example.com",
        "@example.com:victim@remote.example",
        "@example.com,@localhost:victim@remote.example",
        "\"victim@remote.example\"@example.com",
        "\"victim%remote.example\"@example.com",
        "victim@example.com@remote.example",
        "victim@example.com.remote.example",
        "victim@examp1e.com",
        "victim@example.co",
        "victim@xample.com",
        "victim@[192.0.2.1]",
        "victim@[127.0.0.1]",
        "victim@[IPv6:::1]",
        "victim@remote.example\" \"@example.com",
        // sender-specified routing through a domain we relay: the next hop may honour it
        "victim%remote.example@relay.test",
        "remote.example!victim@relay.test",
        "victim!remote.example@relay.test",
    })
    void should_refuse_a_recipient_that_would_be_relayed_without_auth(String rcpt) throws Exception {
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
            c.send("MAIL FROM:<sender@remote.example>").expect(250, "2.1.0");
            SmtpTestClient.Reply reply = c.send("RCPT TO:<" + rcpt + ">").read();
            assertThat(reply.code()).as("RCPT TO:<%s> got %s", rcpt, reply).isBetween(500, 559);
            // and nothing slipped into a transaction: DATA has no recipient to send to
            c.send("DATA").expect(554, "5.5.1");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"victim@remote.example", "someone@example.com"})
    void should_take_no_mail_on_the_submission_ports_without_auth(String rcpt) throws Exception {
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.gateway().submissionPort())) {
            c.send("MAIL FROM:<sender@example.com>").expect(530, "5.7.0");
            c.send("RCPT TO:<" + rcpt + ">").expect(503, "5.5.1");
        }
    }
}
