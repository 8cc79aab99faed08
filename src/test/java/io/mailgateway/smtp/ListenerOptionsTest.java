package io.mailgateway.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mailgateway.message.Disposition;
import io.mailgateway.message.Recipient;
import io.mailgateway.message.RecipientRouter;
import io.mailgateway.policy.limits.ConnectionPolicy;
import io.mailgateway.testing.SmtpTestClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import jdk.net.ExtendedSocketOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The listener's tuning on a real server and real sockets: TCP options read back from the
 * accepted socket (epoll and NIO), the pipelining window (PIPELINE_MAX_COMMANDS) and relaying
 * without a delivery queue (QUEUE_ENABLED=false).
 */
class ListenerOptionsTest {

    private static final TcpOptions TUNED = new TcpOptions(45, 7, 3, 40_000, 50_000);

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<ReceivedMessage> received = new CopyOnWriteArrayList<>();
    private SmtpServer server;

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(Duration.ofSeconds(1));
        }
    }

    /** A listener for example.com (stored) and relay.test (relayed), 20 recipients per message. */
    private SmtpServer server(ListenerOptions options) throws Exception {
        RecipientRouter router = rcpt -> switch (rcpt.domain()) {
            case "example.com" -> Optional.of(Disposition.LOCAL);
            case "relay.test" -> Optional.of(Disposition.RELAY);
            default -> Optional.empty();
        };
        SmtpServerSettings settings = new SmtpServerSettings("mx.options.test", List.of("example.com"), 1 << 20, 20, 10,
                Duration.ofMinutes(5), Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ZERO, Files.createDirectories(dir.resolve("spool")), 65536,
                router);
        MessageSink sink = message -> {
            received.add(message);
            message.content().release();
            return CompletableFuture.completedFuture(SmtpReplies.QUEUED.withText("Ok: queued as " + message.queueId()));
        };
        server = new SmtpServer(settings, new SmtpServer.Socket("127.0.0.1", 0, 1, 128, true, true), sink,
                new ConnectionPolicy(ConnectionPolicy.Limits.none()), List.of(), new SmtpMetrics(meters))
                .options(options);
        return server;
    }

    /** The server side of the one connection open now. */
    private Channel acceptedSocket() {
        await().atMost(Duration.ofSeconds(5)).until(() -> server.openSessions().size() == 1);
        return server.openSessions().get(0);
    }

    // --- TCP options ---

    @Test
    void should_set_keepalive_timers_and_buffers_on_accepted_sockets_through_epoll() throws Exception {
        assertThat(Epoll.isAvailable()).as("Netty's native epoll transport on this Linux").isTrue();
        server(new ListenerOptions(TUNED, 100, true)).start();
        try (SmtpTestClient c = SmtpTestClient.connect(server.port())) {
            Channel ch = acceptedSocket();
            assertThat(ch).isInstanceOf(EpollSocketChannel.class);
            assertThat(ch.config().getOption(ChannelOption.SO_KEEPALIVE)).isTrue();
            assertThat(ch.config().getOption(EpollChannelOption.TCP_KEEPIDLE)).isEqualTo(45);
            assertThat(ch.config().getOption(EpollChannelOption.TCP_KEEPINTVL)).isEqualTo(7);
            assertThat(ch.config().getOption(EpollChannelOption.TCP_KEEPCNT)).isEqualTo(3);
            // socket(7): Linux doubles SO_RCVBUF/SO_SNDBUF for its bookkeeping and reports the doubled value
            assertThat(ch.config().getOption(ChannelOption.SO_RCVBUF)).isEqualTo(80_000);
            assertThat(ch.config().getOption(ChannelOption.SO_SNDBUF)).isEqualTo(100_000);
        }
    }

    @Test
    void should_set_the_same_options_through_nio_extended_socket_options() throws Exception {
        server(new ListenerOptions(TUNED, 100, true)).nioOnly().start();
        try (SmtpTestClient c = SmtpTestClient.connect(server.port())) {
            Channel ch = acceptedSocket();
            assertThat(ch).isInstanceOf(NioSocketChannel.class);
            assertThat(ch.config().getOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPIDLE))).isEqualTo(45);
            assertThat(ch.config().getOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPINTERVAL))).isEqualTo(7);
            assertThat(ch.config().getOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPCOUNT))).isEqualTo(3);
            // the JDK halves Linux's doubled value again (net_util_md.c), so NIO reads back what was set
            assertThat(ch.config().getOption(ChannelOption.SO_RCVBUF)).isEqualTo(40_000);
            assertThat(ch.config().getOption(ChannelOption.SO_SNDBUF)).isEqualTo(50_000);
        }
    }

    @Test
    void should_leave_the_keepalive_timers_to_the_kernel_when_zero() throws Exception {
        server(new ListenerOptions(TcpOptions.KERNEL_DEFAULTS, 100, true)).start();
        try (SmtpTestClient c = SmtpTestClient.connect(server.port()); java.net.Socket untouched = new java.net.Socket()) {
            Channel ch = acceptedSocket();
            // what the kernel gives a TCP socket nobody tuned (its sysctl defaults)
            assertThat(ch.config().getOption(EpollChannelOption.TCP_KEEPIDLE))
                    .isEqualTo(untouched.getOption(ExtendedSocketOptions.TCP_KEEPIDLE)).isNotEqualTo(45);
            assertThat(ch.config().getOption(EpollChannelOption.TCP_KEEPINTVL))
                    .isEqualTo(untouched.getOption(ExtendedSocketOptions.TCP_KEEPINTERVAL)).isNotEqualTo(7);
            assertThat(ch.config().getOption(EpollChannelOption.TCP_KEEPCNT))
                    .isEqualTo(untouched.getOption(ExtendedSocketOptions.TCP_KEEPCOUNT)).isNotEqualTo(3);
        }
    }

    // --- PIPELINE_MAX_COMMANDS ---

    private double throttled() {
        return meters.get("smtp.pipeline.throttled").counter().count();
    }

    @Test
    void should_answer_a_burst_deeper_than_the_window_in_full_and_in_order_pausing_at_each_window() throws Exception {
        server(new ListenerOptions(TcpOptions.KERNEL_DEFAULTS, 10, true)).start();
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(server.port())) {
            c.sendRaw("NOOP\r\n".repeat(9));
            for (int i = 0; i < 9; i++) {
                c.expect(250, "2.0.0");
            }
            assertThat(throttled()).as("a burst within the window").isZero();

            c.sendRaw("NOOP\r\n".repeat(34) + "VRFY x\r\n"); // one write, one read: 35 commands
            for (int i = 0; i < 34; i++) {
                c.expect(250, "2.0.0");
            }
            c.expect(252, "2.5.0"); // the last one, in its place: nothing lost or reordered
            assertThat(throttled()).as("windows filled at 10, 20 and 30 commands").isEqualTo(3);
            c.send("QUIT").expect(221);
        }
    }

    @Test
    void should_take_a_pipelined_transaction_deeper_than_the_window_without_refusing_anything() throws Exception {
        server(new ListenerOptions(TcpOptions.KERNEL_DEFAULTS, 5, true)).start();
        StringBuilder burst = new StringBuilder("MAIL FROM:<s@example.org>\r\n");
        for (int i = 0; i < 12; i++) {
            burst.append("RCPT TO:<r").append(i).append("@example.com>\r\n");
        }
        burst.append("DATA\r\n");
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(server.port())) {
            c.sendRaw(burst.toString());
            c.expect(250, "2.1.0");
            for (int i = 0; i < 12; i++) {
                c.expect(250, "2.1.5");
            }
            c.expect(354);
            c.sendRaw("Subject: deep\r\n\r\nhi\r\n.\r\n".getBytes(StandardCharsets.US_ASCII));
            c.expect(250, "2.0.0");
        }
        assertThat(received).hasSize(1);
        assertThat(received.get(0).envelope().recipients()).hasSize(12);
        assertThat(throttled()).as("14 commands in windows of 5").isEqualTo(2);
    }

    // --- QUEUE_ENABLED ---

    @Test
    void should_refuse_relayed_recipients_with_550_5_7_1_and_take_local_ones_without_a_delivery_queue() throws Exception {
        server(new ListenerOptions(TcpOptions.KERNEL_DEFAULTS, 100, false)).start();
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(server.port())) {
            c.send("MAIL FROM:<s@example.org>").expect(250, "2.1.0");
            c.send("RCPT TO:<far@relay.test>").expect(550, "5.7.1");
            c.send("RCPT TO:<near@example.com>").expect(250, "2.1.5");
            c.send("DATA").expect(354);
            c.sendRaw("Subject: local\r\n\r\nhi\r\n.\r\n".getBytes(StandardCharsets.US_ASCII));
            c.expect(250, "2.0.0");
        }
        assertThat(received).hasSize(1);
        assertThat(received.get(0).envelope().recipients()).extracting(Recipient::address)
                .containsExactly("near@example.com");
    }

    @Test
    void should_take_relayed_recipients_with_a_delivery_queue() throws Exception {
        server(new ListenerOptions(TcpOptions.KERNEL_DEFAULTS, 100, true)).start();
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(server.port())) {
            c.send("MAIL FROM:<s@example.org>").expect(250, "2.1.0");
            c.send("RCPT TO:<far@relay.test>").expect(250, "2.1.5");
        }
    }

    @Test
    void should_refuse_invalid_options_at_start() {
        assertThatThrownBy(() -> new TcpOptions(60, 10, 6, 100, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4096");
        assertThatThrownBy(() -> new ListenerOptions(TcpOptions.KERNEL_DEFAULTS, 0, true))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
