package io.mailgateway.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.testing.SmtpTestClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three session clocks on a real listener and real sockets, with limits of seconds:
 * IDLE_TIMEOUT (silent with no transaction), CONNECTION_TIMEOUT (RFC 5321 4.5.3.2: silent
 * while a command or mail transaction is in progress) and SESSION_MAX_LIFETIME (however busy).
 * Each ends in 421 4.4.2 with its own text; the tests wait for the reply, never time it.
 */
class SessionTimeoutsTest {

    private static final Duration LONG = Duration.ofHours(1);
    private static final Duration SHORT = Duration.ofSeconds(1);

    private SmtpServer server;

    @TempDir
    Path dir;

    private SmtpTestClient start(Duration idle, Duration inTransaction, Duration lifetime) throws Exception {
        return start(idle, inTransaction, lifetime, message -> {
            message.content().release();
            return CompletableFuture.completedFuture(SmtpReplies.QUEUED.withText("Ok: queued as " + message.queueId()));
        });
    }

    private SmtpTestClient start(Duration idle, Duration inTransaction, Duration lifetime, MessageSink sink) throws Exception {
        SmtpServerSettings settings = new SmtpServerSettings("mx.timeouts.test", List.of("example.com"), 1 << 20, 10, 10,
                idle, inTransaction, lifetime, Duration.ZERO, Files.createDirectories(dir.resolve("spool")), 65536);
        server = new SmtpServer(settings, new SmtpServer.Socket("127.0.0.1", 0, 1, 128, true, false), sink);
        server.start();
        SmtpTestClient c = SmtpTestClient.connectEhlo(server.port());
        c.timeout(Duration.ofSeconds(30));
        return c;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(Duration.ofSeconds(1));
        }
    }

    private static void expectClosedWith(SmtpTestClient c, io.mailgateway.reply.SmtpReply reply) throws Exception {
        SmtpTestClient.Reply got = c.expect(421, "4.4.2");
        assertThat(got.lines()).isEqualTo(reply.lines());
        assertThat(c.isClosedByServer()).isTrue();
    }

    @Test
    void should_close_a_client_silent_between_mail_and_data_after_the_connection_timeout() throws Exception {
        try (SmtpTestClient c = start(LONG, SHORT, LONG)) {
            c.send("MAIL FROM:<a@example.org>").expect(250, "2.1.0");
            c.send("RCPT TO:<bob@example.com>").expect(250, "2.1.5");
            expectClosedWith(c, SmtpReplies.TRANSACTION_TIMEOUT); // IDLE_TIMEOUT is an hour
        }
    }

    @Test
    void should_close_a_client_silent_inside_data_after_the_connection_timeout() throws Exception {
        try (SmtpTestClient c = start(LONG, SHORT, LONG)) {
            c.send("MAIL FROM:<a@example.org>").expect(250, "2.1.0");
            c.send("RCPT TO:<bob@example.com>").expect(250, "2.1.5");
            c.send("DATA").expect(354);
            c.send("Subject: half a message");
            expectClosedWith(c, SmtpReplies.TRANSACTION_TIMEOUT);
        }
    }

    @Test
    void should_close_an_idle_client_after_the_idle_timeout() throws Exception {
        try (SmtpTestClient c = start(SHORT, LONG, LONG)) {
            expectClosedWith(c, SmtpReplies.IDLE_TIMEOUT); // CONNECTION_TIMEOUT is an hour
        }
    }

    @Test
    void should_give_a_client_inside_a_transaction_the_connection_timeout_not_the_idle_one() throws Exception {
        try (SmtpTestClient c = start(SHORT, LONG, LONG)) {
            c.send("MAIL FROM:<a@example.org>").expect(250, "2.1.0");
            Thread.sleep(SHORT.multipliedBy(3).toMillis()); // silent three idle timeouts long, within a transaction
            c.send("RCPT TO:<bob@example.com>").expect(250, "2.1.5");
            c.send("RSET").expect(250); // transaction over: the idle timeout applies again
            expectClosedWith(c, SmtpReplies.IDLE_TIMEOUT);
        }
    }

    @Test
    void should_end_a_session_at_its_maximum_lifetime_whatever_the_silence_limits() throws Exception {
        try (SmtpTestClient c = start(LONG, LONG, SHORT)) {
            c.send("MAIL FROM:<a@example.org>").expect(250, "2.1.0");
            expectClosedWith(c, SmtpReplies.SESSION_TIMEOUT);
        }
    }

    @Test
    void should_answer_a_message_in_progress_before_ending_the_session_at_its_lifetime() throws Exception {
        CompletableFuture<io.mailgateway.reply.SmtpReply> durable = new CompletableFuture<>();
        try (SmtpTestClient c = start(LONG, LONG, SHORT, message -> {
            message.content().release();
            return durable; // held: the client waits on us past the lifetime
        })) {
            c.send("MAIL FROM:<a@example.org>").expect(250, "2.1.0");
            c.send("RCPT TO:<bob@example.com>").expect(250, "2.1.5");
            c.send("DATA").expect(354);
            c.sendRaw("Subject: slow write\r\n\r\nbody\r\n.\r\n");
            Thread.sleep(SHORT.multipliedBy(2).toMillis()); // the lifetime passes while the write is pending
            durable.complete(SmtpReplies.QUEUED.withText("Ok: queued as SLOW"));
            c.expect(250, "2.0.0");
            expectClosedWith(c, SmtpReplies.SESSION_TIMEOUT);
        }
    }

    /**
     * A client that pipelines commands and never reads a reply: once the socket buffers are
     * full the replies wait unwritten, the session stops reading, and the 421 of the idle timeout
     * cannot be written either, and the session used to stay open (and
     * hold its connection slot) for as long as the client liked. Now it is closed a grace period
     * later (the idle timeout, at most 30 s).
     */
    @Test
    void should_close_a_client_that_never_reads_its_replies() throws Exception {
        SmtpServerSettings settings = new SmtpServerSettings("mx.timeouts.test", List.of("example.com"), 1 << 20, 10, 10,
                SHORT, SHORT, LONG, Duration.ZERO, Files.createDirectories(dir.resolve("spool")), 65536);
        server = new SmtpServer(settings, new SmtpServer.Socket("127.0.0.1", 0, 1, 128, true, false), message -> {
            message.content().release();
            return CompletableFuture.completedFuture(SmtpReplies.QUEUED);
        }).options(new ListenerOptions(new TcpOptions(0, 0, 0, 0, 8192), 100, true)); // a small send buffer: full sooner
        server.start();
        try (java.net.Socket s = new java.net.Socket()) {
            s.setReceiveBufferSize(4096); // a small window, as such a client would choose
            s.connect(new java.net.InetSocketAddress("127.0.0.1", server.port()));
            java.io.OutputStream out = s.getOutputStream();
            byte[] burst = "NOOP\r\n".repeat(20_000).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 0; i < 40; i++) {
                        out.write(burst); // blocks once the server stops reading
                    }
                } catch (java.io.IOException closed) {
                    // the server closed the connection
                }
            });
            writer.setDaemon(true);
            writer.start();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> server.openSessions().size() == 1);
            io.netty.channel.Channel session = server.openSessions().get(0);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !session.isOpen());
            assertThat(server.openSessions()).isEmpty();
        }
    }
}
