package io.mailgateway.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.testing.SmtpTestClient;
import io.mailgateway.testing.TestGateway;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The accepted: endpoint outlives the routes that use it, and the listener's 250 rests on it: a
 * route that ends without the broker write answers 451, never a 250 for mail that was not stored.
 */
@ExtendWith(TestGateway.class)
class AcceptedEndpointTest {

    private static final byte[] MESSAGE = "Subject: still\r\n\r\nbody\r\n.\r\n".getBytes(StandardCharsets.US_ASCII);

    @Test
    void should_keep_accepting_on_the_inbound_route_after_another_route_using_the_endpoint_is_removed() throws Exception {
        int extra = TestGateway.extraListener("accepted-user", "greetingDelay=0");
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(extra)) {
            assertThat(c.sendMail("s@example.org", List.of(TestGateway.uniqueUser("acc") + "@example.com"), MESSAGE)).isNotBlank();
        }
        TestGateway.camel().getRouteController().stopRoute("accepted-user");
        TestGateway.camel().removeRoute("accepted-user");

        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
            // sendMail expects 250 2.0.0 "queued as": the shared send still works
            assertThat(c.sendMail("s@example.org", List.of(TestGateway.uniqueUser("acc") + "@example.com"), MESSAGE)).isNotBlank();
        }
    }

    @Test
    void should_answer_451_when_a_route_ends_without_the_broker_write() throws Exception {
        TestGateway.camel().addRoutes(new org.apache.camel.builder.RouteBuilder() {
            @Override
            public void configure() {
                // an operator's edit that lost the last step: nothing is written to the broker
                from("smtpd:127.0.0.1:0").routeId("no-broker-write").process("receivedHeader");
            }
        });
        int port = ((io.mailgateway.smtp.camel.SmtpdConsumer) TestGateway.camel().getRoute("no-broker-write").getConsumer()).getLocalPort();
        String user = TestGateway.uniqueUser("nowrite");
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(port)) {
            c.send("MAIL FROM:<s@example.org>").expect(250, "2.1.0");
            c.send("RCPT TO:<" + user + "@example.com>").expect(250, "2.1.5");
            c.send("DATA").expect(354);
            c.sendRaw(MESSAGE);
            c.expect(451, "4.3.0");
        } finally {
            TestGateway.camel().getRouteController().stopRoute("no-broker-write");
            TestGateway.camel().removeRoute("no-broker-write");
        }
        assertThat(TestGateway.newMail(user + "@example.com")).isEmpty();
    }
}
