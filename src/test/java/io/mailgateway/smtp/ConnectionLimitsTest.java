package io.mailgateway.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.policy.limits.CidrSet;
import io.mailgateway.policy.limits.ConnectionPolicy;
import io.mailgateway.policy.limits.LimitReplies;
import io.mailgateway.policy.limits.ManualClock;
import io.mailgateway.reply.SmtpReply;
import io.mailgateway.testing.SmtpTestClient;
import java.nio.charset.StandardCharsets;
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
 * Connection caps, rate limit and greylisting on a real listener and real sockets. Clients come
 * from different loopback addresses (Linux routes all of 127/8 to lo), so each 127.0.0.x is a
 * different client; time is a {@link ManualClock}, stepped by the test, never slept.
 */
class ConnectionLimitsTest {

    private static final byte[] BODY = "Subject: t\r\n\r\nhi\r\n.\r\n".getBytes(StandardCharsets.US_ASCII);

    private final ManualClock clock = new ManualClock();
    private final List<SmtpTestClient> clients = new ArrayList<>();
    private SmtpServer server;
    private ConnectionPolicy policy;

    @TempDir
    Path dir;

    private static ConnectionPolicy.Limits limits(int maxConnections, int perIp, boolean rate, int perMinute, int burst,
                                                  String whitelist, boolean greylist, Path greylistDb) {
        return limits(maxConnections, perIp, rate, perMinute, burst, 0, whitelist, greylist, greylistDb);
    }

    private static ConnectionPolicy.Limits limits(int maxConnections, int perIp, boolean rate, int perMinute, int burst,
                                                  int connectionsPerMinute, String whitelist, boolean greylist, Path greylistDb) {
        return new ConnectionPolicy.Limits(maxConnections, perIp, rate, perMinute, burst, connectionsPerMinute, CidrSet.parse(whitelist),
                Duration.ofSeconds(60), 100_000, greylist, Duration.ofSeconds(300), Duration.ofHours(4),
                Duration.ofDays(36), 100_000, greylistDb);
    }

    private int start(ConnectionPolicy.Limits limits) throws Exception {
        return start(limits, "127.0.0.1");
    }

    private int start(ConnectionPolicy.Limits limits, String bindAddress) throws Exception {
        policy = new ConnectionPolicy(limits, clock, clock);
        SmtpServerSettings settings = new SmtpServerSettings("mx.limits.test", List.of("example.com"), 1 << 20, 10, 10,
                Duration.ofMinutes(5), Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ZERO, Files.createDirectories(dir.resolve("spool")), 65536);
        MessageSink sink = message -> {
            message.content().release();
            return CompletableFuture.completedFuture(SmtpReplies.QUEUED.withText("Ok: queued as " + message.queueId()));
        };
        server = new SmtpServer(settings, new SmtpServer.Socket(bindAddress, 0, 1, 128, true, false), sink, policy);
        server.start();
        return server.port();
    }

    private SmtpTestClient from(String address) throws Exception {
        SmtpTestClient c = SmtpTestClient.connectRaw(server.port(), address);
        clients.add(c);
        return c;
    }

    private SmtpTestClient greetedFrom(String address) throws Exception {
        SmtpTestClient c = from(address);
        c.expect(220);
        return c;
    }

    private void expectRefusedBeforeGreeting(SmtpTestClient c) throws Exception {
        c.expect(421, "4.7.0");
        assertThat(c.isClosedByServer()).isTrue();
    }

    @AfterEach
    void stop() throws Exception {
        for (SmtpTestClient c : clients) {
            c.close();
        }
        if (server != null) {
            server.stop(Duration.ofSeconds(1));
        }
    }

    @Test
    void should_refuse_one_address_over_its_cap_while_another_address_still_connects() throws Exception {
        start(limits(100, 3, false, 1, 1, "", false, null));
        SmtpTestClient first = greetedFrom("127.0.0.2");
        greetedFrom("127.0.0.2");
        greetedFrom("127.0.0.2");
        expectRefusedBeforeGreeting(from("127.0.0.2"));
        greetedFrom("127.0.0.3").send("EHLO other.test").expect(250);
        assertThat(policy.connections().open()).isEqualTo(4);
        assertThat(policy.count(ConnectionPolicy.Outcome.TOO_MANY_FROM_CLIENT)).isEqualTo(1);

        first.send("QUIT").expect(221);
        await().atMost(Duration.ofSeconds(10)).until(() -> policy.connections().open() == 3);
        greetedFrom("127.0.0.2").send("EHLO again.test").expect(250);
    }

    @Test
    void should_cap_an_ipv6_client_and_exempt_it_when_whitelisted() throws Exception {
        start(limits(100, 2, true, 1, 100, "", false, null), "::1");
        List<SmtpTestClient> v6 = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            SmtpTestClient c = SmtpTestClient.connectRaw("::1", server.port());
            clients.add(c);
            v6.add(c);
            if (i < 2) {
                c.expect(220);
            }
        }
        expectRefusedBeforeGreeting(v6.get(2));
        server.stop(Duration.ofSeconds(1));

        start(limits(100, 2, true, 1, 1, "::1", false, null), "::1");
        for (int i = 0; i < 5; i++) {
            SmtpTestClient c = SmtpTestClient.connectRaw("::1", server.port());
            clients.add(c);
            c.expect(220);
            c.send("EHLO six.test").expect(250);
            c.send("MAIL FROM:<a@example.org>").expect(250, "2.1.0");
        }
    }

    @Test
    void should_refuse_past_the_total_cap_from_any_address() throws Exception {
        start(limits(4, 0, false, 1, 1, "", false, null));
        for (int i = 2; i <= 5; i++) {
            greetedFrom("127.0.0." + i);
        }
        expectRefusedBeforeGreeting(from("127.0.0.6"));
        expectRefusedBeforeGreeting(from("127.0.0.2"));
        assertThat(policy.connections().open()).isEqualTo(4);
        assertThat(policy.count(ConnectionPolicy.Outcome.TOO_MANY_CONNECTIONS)).isEqualTo(2);
    }

    @Test
    void should_count_whitelisted_clients_in_the_total_only() throws Exception {
        start(limits(6, 1, true, 1, 1, "127.0.0.9/32,::1", false, null));
        for (int i = 0; i < 5; i++) {
            greetedFrom("127.0.0.9").send("EHLO white.test").expect(250);
        }
        greetedFrom("127.0.0.10");
        expectRefusedBeforeGreeting(from("127.0.0.9"));
    }

    @Test
    void should_count_messages_not_connections_against_the_per_minute_rate() throws Exception {
        int n = 5; // RATE_LIMIT_PER_MINUTE=5, RATE_LIMIT_BURST=5
        start(limits(100, 0, true, n, n, "127.0.0.9/32", false, null));
        for (int i = 0; i < n; i++) { // n one-message sessions: a connection takes no token
            SmtpTestClient c = greetedFrom("127.0.0.4");
            c.send("EHLO rate.test").expect(250);
            assertThat(c.sendMail("a@example.org", List.of("bob@example.com"), BODY)).isNotBlank();
            c.send("QUIT").expect(221);
        }
        SmtpTestClient next = greetedFrom("127.0.0.4"); // still greeted: no connection rate set
        next.send("EHLO rate.test").expect(250);
        SmtpTestClient.Reply refused = next.send("MAIL FROM:<a@example.org>").expect(450, "4.7.1"); // message n+1
        assertThat(refused.text()).contains("try again in 12 seconds"); // 60 s / 5 a minute
        next.send("NOOP").expect(250); // the session goes on
        greetedFrom("127.0.0.5").send("EHLO neighbour.test").expect(250); // its own bucket
        clock.advance(Duration.ofSeconds(12));
        next.send("MAIL FROM:<a@example.org>").expect(250, "2.1.0");
        next.send("RCPT TO:<bob@example.com>").expect(250, "2.1.5");
        next.send("RSET").expect(250);
        next.send("MAIL FROM:<a@example.org>").expect(450, "4.7.1");

        SmtpTestClient white = greetedFrom("127.0.0.9"); // whitelisted: never limited
        white.send("EHLO white.test").expect(250);
        for (int i = 0; i < 3 * n; i++) {
            assertThat(white.sendMail("a@example.org", List.of("bob@example.com"), BODY)).isNotBlank();
        }
        assertThat(policy.count(ConnectionPolicy.Outcome.RATE_LIMITED)).isZero();
        assertThat(policy.messagesRateLimited()).isEqualTo(2);
    }

    @Test
    void should_rate_limit_connections_in_a_bucket_of_their_own_with_a_retry_hint() throws Exception {
        // CONNECTION_RATE_LIMIT_PER_MINUTE=2; messages: one a minute, burst 1
        start(limits(100, 0, true, 1, 1, 2, "127.0.0.9/32", false, null));
        SmtpTestClient c = greetedFrom("127.0.0.4");
        c.send("EHLO rate.test").expect(250);
        assertThat(c.sendMail("a@example.org", List.of("bob@example.com"), BODY)).isNotBlank(); // the one message token
        c.send("QUIT").expect(221);
        greetedFrom("127.0.0.4").send("EHLO rate.test").expect(250); // second connection: the message left it one

        SmtpTestClient refused = from("127.0.0.4");
        SmtpTestClient.Reply reply = refused.expect(421, "4.7.0");
        assertThat(reply.text()).contains("try again in 30 seconds"); // 60 s / 2 a minute
        assertThat(refused.isClosedByServer()).isTrue();
        greetedFrom("127.0.0.5").send("EHLO neighbour.test").expect(250); // its own bucket
        for (int i = 0; i < 4; i++) {
            greetedFrom("127.0.0.9"); // whitelisted
        }
        clock.advance(Duration.ofSeconds(30));
        SmtpTestClient next = greetedFrom("127.0.0.4");
        next.send("EHLO rate.test").expect(250);
        assertThat(next.send("MAIL FROM:<a@example.org>").expect(450, "4.7.1").text()).contains("try again in 30 seconds");
        assertThat(policy.count(ConnectionPolicy.Outcome.RATE_LIMITED)).isEqualTo(1);
        assertThat(policy.messagesRateLimited()).isEqualTo(1);
    }

    @Test
    void should_say_one_second_in_the_singular() {
        SmtpReply reply = LimitReplies.MESSAGE_RATE_LIMITED.retryIn(1);
        assertThat(reply.code()).isEqualTo(450);
        assertThat(reply.status()).hasToString("4.7.1");
        assertThat(reply.lines()).containsExactly("Rate limit exceeded, try again in 1 second");
        assertThat(LimitReplies.CONNECTION_RATE_LIMITED.retryIn(2).closesConnection()).isTrue();
    }

    @Test
    void should_greylist_a_new_triplet_and_pass_its_retry_even_across_a_restart() throws Exception {
        Path db = dir.resolve("greylist.db");
        start(limits(100, 0, false, 1, 1, "127.0.0.9", true, db));
        SmtpTestClient c = greetedFrom("127.0.0.5");
        c.send("EHLO grey.test").expect(250);
        c.send("MAIL FROM:<a@example.org>").expect(250, "2.1.0");
        assertThat(c.send("RCPT TO:<bob@example.com>").expect(451, "4.7.1").text()).contains("try again in 300 seconds");
        clock.advance(Duration.ofSeconds(100));
        assertThat(c.send("RCPT TO:<bob@example.com>").expect(451, "4.7.1").text()).contains("try again in 200 seconds");
        c.send("RSET").expect(250);
        c.send("MAIL FROM:<>").expect(250, "2.1.0");
        c.send("RCPT TO:<bob@example.com>").expect(451, "4.7.1"); // null sender: its own triplet
        // a whitelisted client is not greylisted
        SmtpTestClient white = greetedFrom("127.0.0.9");
        white.send("EHLO white.test").expect(250);
        white.sendMail("a@example.org", List.of("bob@example.com"), BODY);
        c.send("QUIT").expect(221);
        white.send("QUIT").expect(221);
        server.stop(Duration.ofSeconds(1));
        server = null;

        clock.advance(Duration.ofSeconds(200));
        start(limits(100, 0, false, 1, 1, "127.0.0.9", true, db));
        SmtpTestClient retry = greetedFrom("127.0.0.77"); // same /24, after the delay, after a restart
        retry.send("EHLO grey.test").expect(250);
        assertThat(retry.sendMail("a@example.org", List.of("bob@example.com"), BODY)).isNotBlank();
        retry.send("MAIL FROM:<>").expect(250, "2.1.0");
        // the null sender's triplet was first seen 100 s later than the other
        assertThat(retry.send("RCPT TO:<bob@example.com>").expect(451, "4.7.1").text()).contains("try again in 100 seconds");
        clock.advance(Duration.ofSeconds(100));
        retry.send("RCPT TO:<bob@example.com>").expect(250, "2.1.5");
        retry.send("RCPT TO:<carol@example.com>").expect(451, "4.7.1");
        assertThat(policy.recipientsGreylisted()).as("since the restart").isEqualTo(2);
    }

    /**
     * SMTPS (RFC 8314): a refused connection's 421 could only follow a TLS handshake, so it stayed
     * open, uncounted, until the client completed one (costing us the handshake) or it timed out.
     */
    @Test
    void should_close_a_refused_smtps_connection_without_a_handshake() throws Exception {
        io.mailgateway.smtp.tls.SelfSignedCertificate.ensure(dir.resolve("tls"), "mx.limits.test");
        io.mailgateway.smtp.tls.ServerTls tls = io.mailgateway.smtp.tls.ServerTls.load(
                dir.resolve("tls").resolve(io.mailgateway.smtp.tls.ServerTls.SELF_SIGNED_CERT),
                dir.resolve("tls").resolve(io.mailgateway.smtp.tls.ServerTls.SELF_SIGNED_KEY), List.of("TLSv1.3", "TLSv1.2"));
        policy = new ConnectionPolicy(limits(1, 0, false, 1, 1, "", false, null), clock, clock);
        SmtpServerSettings settings = new SmtpServerSettings("mx.limits.test", List.of("example.com"), 1 << 20, 10, 10,
                Duration.ofMinutes(5), Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ZERO, Files.createDirectories(dir.resolve("spool")), 65536);
        server = new SmtpServer(settings, new SmtpServer.Socket("127.0.0.1", 0, 1, 128, true, false), message -> {
            message.content().release();
            return CompletableFuture.completedFuture(SmtpReplies.QUEUED);
        }, policy).security(new SmtpServer.Security(tls, true, false, null));
        server.start();
        try (SmtpTestClient admitted = SmtpTestClient.connectTls(server.port());
             javax.net.ssl.SSLSocket refused = (javax.net.ssl.SSLSocket) SmtpTestClient.trustAll().getSocketFactory().createSocket()) {
            refused.connect(new java.net.InetSocketAddress("127.0.0.1", server.port()), 5_000);
            refused.setSoTimeout(15_000);
            Throwable failure = null;
            try {
                refused.startHandshake();
            } catch (java.io.IOException e) {
                failure = e;
            }
            assertThat(failure).as("MAX_CONNECTIONS=1: no handshake for the second connection, it is closed")
                    .isInstanceOf(java.io.IOException.class).isNotInstanceOf(java.net.SocketTimeoutException.class);
            admitted.send("NOOP").expect(250);
        } finally {
            tls.close();
        }
    }
}
