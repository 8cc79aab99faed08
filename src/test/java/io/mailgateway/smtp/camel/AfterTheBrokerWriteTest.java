package io.mailgateway.smtp.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.testing.SmtpTestClient;
import io.mailgateway.testing.TestGateway;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Once the broker confirmed the write the message IS queued: a later failure of the route must
 * not tell the client to send it again (each retry would store and deliver another copy).
 */
@ExtendWith(TestGateway.class)
class AfterTheBrokerWriteTest {

    @Test
    void should_answer_250_when_a_step_after_the_broker_write_fails() throws Exception {
        String routeId = "review-after-durable";
        TestGateway.camel().addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("smtpd:127.0.0.1:0?hostname=mx.test.local&localDomains=example.com&idleTimeout=377").routeId(routeId)
                        .process("receivedHeader")
                        .to("accepted:mail.accepted")
                        // e.g. an operator's audit/notification step added at the end of the route
                        .process(e -> {
                            throw new IllegalStateException("notification endpoint down");
                        });
            }
        });
        int port = ((SmtpdConsumer) TestGateway.camel().getRoute(routeId).getConsumer()).getLocalPort();
        String rcpt = TestGateway.uniqueUser("afterdurable") + "@example.com";
        SmtpTestClient.Reply reply;
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(port)) {
            c.send("MAIL FROM:<s@example.com>").expect(250, "2.1.0");
            c.send("RCPT TO:<" + rcpt + ">").expect(250, "2.1.5");
            c.send("DATA").expect(354);
            c.sendRaw("From: s@example.com\r\nSubject: once\r\n\r\nx\r\n.\r\n".getBytes(StandardCharsets.US_ASCII));
            reply = c.read();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> TestGateway.newMail(rcpt).size() == 1);
        assertThat(reply.code()).as("the message is stored (Maildir has it), yet the client was told %s", reply).isEqualTo(250);
    }
}
