package io.mailgateway.smtp;

import io.mailgateway.testing.SmtpTestClient;
import io.mailgateway.testing.TestGateway;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The shipped defaults and the listener options in a running gateway: local clients (tests,
 * benchmarks) are never throttled, and the smtpd options reach the listener.
 */
@ExtendWith(TestGateway.class)
class DefaultLimitsTest {

    @Test
    void should_not_cap_or_rate_limit_loopback_clients_by_default() throws Exception {
        // 30 sessions from each of two loopback addresses: past MAX_CONNECTIONS_PER_IP (20)
        // and, with a message each, past RATE_LIMIT_BURST's share for them; all are served.
        List<SmtpTestClient> open = new ArrayList<>();
        try {
            for (String address : List.of("127.0.0.1", "127.0.0.2")) {
                for (int i = 0; i < 30; i++) {
                    SmtpTestClient c = SmtpTestClient.connectRaw(TestGateway.port(), address);
                    open.add(c);
                    c.expect(220);
                    c.send("EHLO load.test").expect(250);
                }
            }
            for (SmtpTestClient c : open) {
                c.send("MAIL FROM:<a@example.org>").expect(250, "2.1.0");
                c.send("RSET").expect(250);
            }
        } finally {
            for (SmtpTestClient c : open) {
                c.close();
            }
        }
    }

    @Test
    void should_apply_listener_options_from_the_route_uri() throws Exception {
        int port = TestGateway.extraListener("limits-options",
                "maxConnectionsPerIp=1&rateLimitWhitelist=192.0.2.0/24&rateLimitPerMinute=60&rateLimitBurst=100");
        try (SmtpTestClient first = SmtpTestClient.connectRaw(port, "127.0.0.8")) {
            first.expect(220); // counted before the next one connects
            try (SmtpTestClient second = SmtpTestClient.connectRaw(port, "127.0.0.8");
                 SmtpTestClient other = SmtpTestClient.connectRaw(port, "127.0.0.12")) {
                second.expect(421, "4.7.0");
                other.expect(220);
            }
        } finally {
            TestGateway.camel().getRouteController().stopRoute("limits-options");
            TestGateway.camel().removeRoute("limits-options");
        }
    }
}
