package io.mailgateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.testing.SmtpTestClient;
import io.mailgateway.testing.TestGateway;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** If the broker refuses the write, the client hears 451 4.3.0 and keeps the message. */
@ExtendWith(TestGateway.class)
class AcceptanceFailureTest {

    @Test
    void should_answer_451_when_the_broker_write_fails_and_store_nothing() throws Exception {
        // A listener whose route sends to an address the broker does not have (auto-create is off):
        // the real broker refuses the send.
        TestGateway.camel().addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("smtpd:127.0.0.1:0").routeId("failing-inbound")
                        .process("receivedHeader")
                        .to("jms:queue:no.such.address?deliveryPersistent=true");
            }
        });
        int port = ((io.mailgateway.smtp.camel.SmtpdConsumer) TestGateway.camel().getRoute("failing-inbound").getConsumer()).getLocalPort();
        String user = TestGateway.uniqueUser("fail");
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(port)) {
            c.send("MAIL FROM:<s@example.org>").expect(250, "2.1.0");
            c.send("RCPT TO:<" + user + "@example.com>").expect(250, "2.1.5");
            c.send("DATA").expect(354);
            c.sendRaw("Subject: x\r\n\r\nbody\r\n.\r\n".getBytes(StandardCharsets.US_ASCII));
            c.expect(451, "4.3.0");
            // The session goes on: the client may retry at once.
            c.send("NOOP").expect(250, "2.0.0");
        } finally {
            TestGateway.camel().getRouteController().stopRoute("failing-inbound");
            TestGateway.camel().removeRoute("failing-inbound");
        }
        Path mailbox = TestGateway.maildir().resolve("example.com").resolve(user);
        assertThat(Files.exists(mailbox)).isFalse();
        try (var spool = Files.list(TestGateway.maildir().getParent().resolve("spool"))) {
            assertThat(spool.filter(p -> p.toString().endsWith(".eml"))).isEmpty();
        }
    }
}
