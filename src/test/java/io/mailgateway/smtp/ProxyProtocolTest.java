package io.mailgateway.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.policy.limits.CidrSet;
import io.mailgateway.policy.limits.ConnectionPolicy;
import io.mailgateway.testing.SmtpTestClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A listener behind HAProxy (PROXY_PROTOCOL) on real sockets: the proxy is 127.0.0.1 (the only
 * trusted peer here), anyone else is another loopback address (Linux routes all of 127/8 to lo).
 * The header names the client for the limits; only the proxy may send one, and connections
 * still waiting for theirs count in MAX_CONNECTIONS.
 */
class ProxyProtocolTest {

    private static final String PROXY = "127.0.0.1";

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<SmtpTestClient> clients = new ArrayList<>();
    private SmtpServer server;

    @TempDir
    Path dir;

    @AfterEach
    void stop() throws Exception {
        for (SmtpTestClient c : clients) {
            c.close();
        }
        if (server != null) {
            server.stop(Duration.ofSeconds(1));
        }
    }

    private void start(int maxConnections, int perIp) throws Exception {
        ConnectionPolicy.Limits limits = new ConnectionPolicy.Limits(maxConnections, perIp, false, 1, 1, 0, CidrSet.empty(),
                Duration.ofMinutes(1), 1000, false, Duration.ZERO, Duration.ofHours(4), Duration.ofDays(36), 1, null);
        SmtpServerSettings settings = new SmtpServerSettings("mx.proxy.test", List.of("example.com"), 1 << 20, 10, 10,
                Duration.ofMinutes(5), Duration.ofMinutes(5), Duration.ofHours(1), Duration.ZERO,
                Files.createDirectories(dir.resolve("spool")), 65536);
        MessageSink sink = message -> {
            message.content().release();
            return CompletableFuture.completedFuture(SmtpReplies.QUEUED.withText("Ok: queued as " + message.queueId()));
        };
        server = new SmtpServer(settings, new SmtpServer.Socket("127.0.0.1", 0, 1, 128, true, false), sink,
                new ConnectionPolicy(limits), List.of(), new SmtpMetrics(registry)).proxyProtocol(CidrSet.parse(PROXY + "/32"));
        server.start();
    }

    /** A connection from {@code peer} that has sent nothing yet. */
    private SmtpTestClient from(String peer) throws Exception {
        SmtpTestClient c = SmtpTestClient.connectRaw(server.port(), peer);
        clients.add(c);
        return c;
    }

    /** A connection from the proxy, with the PROXY v1 header naming {@code client}. */
    private SmtpTestClient proxied(String client) throws Exception {
        return from(PROXY).sendRaw("PROXY TCP4 " + client + " 127.0.0.1 40000 25\r\n");
    }

    @Test
    void should_count_each_client_the_proxy_names_on_its_own() throws Exception {
        start(100, 1);
        proxied("198.51.100.1").expect(220);
        SmtpTestClient second = proxied("198.51.100.1");
        second.expect(421, "4.7.0"); // MAX_CONNECTIONS_PER_IP=1 for the client, not for the proxy
        assertThat(second.isClosedByServer()).isTrue();
        proxied("198.51.100.2").expect(220);
    }

    /** Reaching the port directly, anyone could name any address: SPF pass, whitelisting, a fresh budget per connection. */
    @Test
    void should_close_a_peer_that_is_not_a_trusted_proxy_unanswered() throws Exception {
        start(100, 1);
        for (int i = 1; i <= 2; i++) {
            SmtpTestClient direct = from("127.0.0.2").sendRaw("PROXY TCP4 198.51.100." + i + " 127.0.0.1 40000 25\r\n");
            assertThat(direct.isClosedByServer()).as("closed without a greeting").isTrue();
        }
        assertThat(registry.counter("smtp.connections.rejected", "reason", "untrusted_proxy").count()).isEqualTo(2.0);
        proxied("198.51.100.1").expect(220);
    }

    /** Counted only once the header came (up to 10 s each), silent connections were held without limit. */
    @Test
    void should_count_connections_still_waiting_for_their_header_in_max_connections() throws Exception {
        start(2, 0);
        SmtpTestClient first = from(PROXY);
        SmtpTestClient second = from(PROXY);
        SmtpTestClient third = from(PROXY);
        third.expect(421, "4.7.0"); // at once, before any header
        assertThat(third.isClosedByServer()).isTrue();
        first.sendRaw("PROXY TCP4 198.51.100.1 127.0.0.1 40000 25\r\n").expect(220); // its place carries over
        second.close();
        // the place of the closed one is free again once the server has seen it go
        await().atMost(Duration.ofSeconds(10)).until(() -> proxied("198.51.100.2").read().code() == 220);
    }
}
