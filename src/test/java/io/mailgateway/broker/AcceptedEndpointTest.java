package io.mailgateway.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.testing.SmtpTestClient;
import io.mailgateway.testing.TestGateway;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The accepted: endpoint outlives the routes that use it: removing one listener's route leaves the others writing. */
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
}
