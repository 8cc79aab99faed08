package io.mailgateway.smtp.camel;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailgateway.testing.TestGateway;
import org.apache.camel.ResolveEndpointFailedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** An option a route sets on the listener is checked as the environment variable is: at start, not at the first message. */
@ExtendWith(TestGateway.class)
class SmtpdEndpointOptionsTest {

    @Test
    void should_refuse_a_spool_threshold_under_1024_when_the_route_is_resolved() {
        assertThatThrownBy(() -> TestGateway.camel().getEndpoint("smtpd:127.0.0.1:0?spoolThreshold=512"))
                .isInstanceOf(ResolveEndpointFailedException.class)
                .hasStackTraceContaining("spoolThreshold must be at least 1024 octets, got 512");
    }
}
