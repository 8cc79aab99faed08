package io.mailgateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.message.MessageContent;
import io.mailgateway.testing.LogEvents;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The relay client against a capture server on a real loopback socket. */
class SmtpRelayClientTest {

    private CaptureSmtpServer server;
    private SmtpRelayClient client;
    private final List<MessageContent> contents = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = new CaptureSmtpServer();
        client = client(4, Duration.ofSeconds(10));
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        server.close();
        contents.forEach(MessageContent::release);
    }

    private static SmtpRelayClient client(int pool, Duration commandTimeout) {
        return new SmtpRelayClient(new RelaySettings("relay.test", true, Duration.ofSeconds(2), commandTimeout,
                commandTimeout.multipliedBy(2), pool, Duration.ofSeconds(30)));
    }

    private MessageContent content(byte[] bytes) {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.buffer(bytes.length);
        buf.writeBytes(bytes);
        MessageContent c = MessageContent.inBuffer(buf);
        contents.add(c);
        return c;
    }

    private MessageContent content(String text) {
        return content(text.getBytes(StandardCharsets.UTF_8));
    }

    private static RelayEnvelope envelope(String... rcpts) {
        return new RelayEnvelope("Q1", "sender@origin.test", List.of(rcpts), 100);
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private RelayResult send(RelayEnvelope env, MessageContent msg, InetSocketAddress... hosts) {
        return client.send(List.of(hosts), env, msg);
    }

    private static List<Integer> codes(RelayResult r) {
        return r.recipients().values().stream().map(RemoteReply::code).toList();
    }

    @Test
    void should_relay_the_bytes_unchanged_but_dot_stuffed_and_with_crlf_line_ends() throws Exception {
        ByteArrayOutputStream msg = new ByteArrayOutputStream();
        msg.write("Subject: dots\r\n\r\n.hidden\r\n..two\r\nbare lf\nbare cr\rGr\u00fc\u00dfe".getBytes(StandardCharsets.UTF_8));
        msg.write(new byte[] {'\r', '\n', (byte) 0xE9, (byte) 0xFF, '\r', '\n', '.'});
        RelayEnvelope env = new RelayEnvelope("Q1", "sender@origin.test", List.of("a@dest.test"), msg.size());

        RelayResult r = send(env, content(msg.toByteArray()), server.address());

        assertThat(r.recipients().get("a@dest.test").code()).isEqualTo(250);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        wire.write("Subject: dots\r\n\r\n..hidden\r\n...two\r\nbare lf\r\nbare cr\r\nGr\u00fc\u00dfe".getBytes(StandardCharsets.UTF_8));
        wire.write(new byte[] {'\r', '\n', (byte) 0xE9, (byte) 0xFF, '\r', '\n', '.', '.', '\r', '\n', '.', '\r', '\n'});
        assertThat(server.last().data.get(0)).isEqualTo(wire.toByteArray());
        assertThat(server.last().commands).contains("MAIL FROM:<sender@origin.test> SIZE=" + msg.size() + " BODY=8BITMIME");
    }

    @Test
    void should_send_mail_rcpts_and_data_in_one_batch_when_pipelining_is_offered() {
        server.replyDelayMillis = 20;
        RelayResult r = send(envelope("a@d.test", "b@d.test", "c@d.test"), content("Subject: x\r\n\r\nhi\r\n"), server.address());

        assertThat(codes(r)).containsOnly(250);
        CaptureSmtpServer.Session s = server.last();
        int mail = indexOf(s.commands, "MAIL FROM");
        assertThat(s.commands.subList(mail, mail + 5)).containsExactly("MAIL FROM:<sender@origin.test> SIZE=100 BODY=8BITMIME",
                "RCPT TO:<a@d.test>", "RCPT TO:<b@d.test>", "RCPT TO:<c@d.test>", "DATA");
        // The RCPTs and DATA had all arrived when the server (20 ms late) answered MAIL.
        assertThat(s.pendingAtReply.get(s.commands.get(mail))).isEqualTo(4);
    }

    @Test
    void should_wait_for_each_reply_without_pipelining() {
        server.extensions = "SIZE 1000000";
        server.replyDelayMillis = 20;
        RelayResult r = send(envelope("a@d.test", "b@d.test"), content("x\r\n"), server.address());

        assertThat(codes(r)).containsOnly(250);
        CaptureSmtpServer.Session s = server.last();
        int mail = indexOf(s.commands, "MAIL FROM");
        assertThat(s.commands.get(mail)).isEqualTo("MAIL FROM:<sender@origin.test> SIZE=100");
        // Nothing was sent ahead of the MAIL reply, though the server waited 20 ms to give it.
        assertThat(s.pendingAtReply.get(s.commands.get(mail))).isZero();
        assertThat(s.pendingAtReply.get("RCPT TO:<a@d.test>")).isZero();
    }

    @Test
    void should_give_each_recipient_its_own_reply() {
        server.script = c -> switch (c) {
            case "RCPT TO:<b@d.test>" -> "550 5.1.1 no such user";
            case "RCPT TO:<c@d.test>" -> "450 4.2.1 try later";
            case "." -> "250 2.0.0 Ok: queued as X1";
            default -> null;
        };
        RelayResult r = send(envelope("a@d.test", "b@d.test", "c@d.test"), content("x\r\n"), server.address());

        assertThat(r.recipients()).containsExactly(
                Map.entry("a@d.test", new RemoteReply(250, "2.0.0 Ok: queued as X1")),
                Map.entry("b@d.test", new RemoteReply(550, "5.1.1 no such user")),
                Map.entry("c@d.test", new RemoteReply(450, "4.2.1 try later")));
        assertThat(r.host()).isEqualTo(server.address().getHostString());
    }

    /** RFC 5321 4.5.3.1.10: a 552 to RCPT ("too many recipients" in RFC 821's list) is temporary; a 552 to the content stays permanent. */
    @Test
    void should_take_a_552_to_rcpt_as_temporary() {
        server.script = c -> switch (c) {
            case "RCPT TO:<b@d.test>" -> "552 5.5.3 Too many recipients";
            case "RCPT TO:<c@d.test>" -> "552 Too many recipients";
            case "." -> "250 2.0.0 Ok: queued as X2";
            default -> null;
        };
        RelayResult r = send(envelope("a@d.test", "b@d.test", "c@d.test"), content("x\r\n"), server.address());

        assertThat(r.recipients()).containsExactly(
                Map.entry("a@d.test", new RemoteReply(250, "2.0.0 Ok: queued as X2")),
                Map.entry("b@d.test", new RemoteReply(452, "4.5.3 Too many recipients")),
                Map.entry("c@d.test", new RemoteReply(452, "Too many recipients")));

        server.script = c -> c.equals(".") ? "552 5.3.4 Message too big" : null;
        assertThat(send(envelope("a@d.test"), content("x\r\n"), server.address()).recipients())
                .containsExactly(Map.entry("a@d.test", new RemoteReply(552, "5.3.4 Message too big")));
    }

    /** A server that takes two recipients a transaction (its counter restarts at MAIL). */
    private void twoRecipientsATransaction() {
        java.util.concurrent.atomic.AtomicInteger rcpts = new java.util.concurrent.atomic.AtomicInteger();
        server.script = c -> {
            if (c.startsWith("MAIL")) {
                rcpts.set(0);
            } else if (c.startsWith("RCPT") && rcpts.incrementAndGet() > 2) {
                return "452 4.5.3 Too many recipients";
            }
            return null;
        };
    }

    /** RFC 5321 4.5.3.1.10: the recipients a server leaves with 452 go at once in the next transactions on the same connection. */
    @Test
    void should_send_the_recipients_over_a_servers_limit_in_further_transactions_at_once() {
        twoRecipientsATransaction();
        RelayResult r = send(envelope("a@d.test", "b@d.test", "c@d.test", "d@d.test", "e@d.test"), content("x\r\n"),
                server.address());

        assertThat(r.recipients().keySet()).containsExactly("a@d.test", "b@d.test", "c@d.test", "d@d.test", "e@d.test");
        assertThat(codes(r)).containsOnly(250);
        assertThat(server.sessions()).hasSize(1);
        CaptureSmtpServer.Session s = server.last();
        assertThat(s.data).hasSize(3);
        assertThat(s.commands.stream().filter(c -> c.startsWith("RCPT")).toList()).containsExactly(
                "RCPT TO:<a@d.test>", "RCPT TO:<b@d.test>", "RCPT TO:<c@d.test>", "RCPT TO:<d@d.test>", "RCPT TO:<e@d.test>",
                "RCPT TO:<c@d.test>", "RCPT TO:<d@d.test>", "RCPT TO:<e@d.test>", "RCPT TO:<e@d.test>");

        server.extensions = "SIZE 1000000"; // one command at a time, on a new connection: the same
        client.close();
        client = client(4, Duration.ofSeconds(10));
        RelayResult stepwise = send(envelope("a@d.test", "b@d.test", "c@d.test"), content("x\r\n"), server.address());
        assertThat(codes(stepwise)).containsOnly(250);
        assertThat(server.sessions()).hasSize(2);
        assertThat(server.last().data).hasSize(2);
        assertThat(server.last().pendingAtReply.get("RCPT TO:<a@d.test>")).isZero();
    }

    /** A 452 that is not a limit (no recipient of the transaction delivered) waits for the retry schedule. */
    @Test
    void should_not_send_again_at_once_when_a_transaction_delivers_to_no_one() {
        server.script = c -> c.equals("RCPT TO:<b@d.test>") ? "452 4.3.1 Insufficient system storage"
                : c.equals(".") ? "452 4.3.1 Insufficient system storage" : null;
        RelayResult r = send(envelope("a@d.test", "b@d.test"), content("x\r\n"), server.address());

        assertThat(codes(r)).containsOnly(452);
        assertThat(server.last().commands.stream().filter(c -> c.startsWith("MAIL")).count()).isEqualTo(1);

        // The first transaction delivered, the second did not: two transactions, then the schedule.
        server.script = c -> c.equals("RCPT TO:<b@d.test>") ? "452 4.3.1 Insufficient system storage" : null;
        RelayResult r2 = send(envelope("a@d.test", "b@d.test"), content("y\r\n"), server.address());
        assertThat(r2.recipients()).containsExactly(Map.entry("a@d.test", new RemoteReply(250, "2.0.0 Ok: queued")),
                Map.entry("b@d.test", new RemoteReply(452, "4.3.1 Insufficient system storage")));
        assertThat(server.last().commands.stream().filter(c -> c.startsWith("MAIL")).count()).isEqualTo(3);
    }

    @Test
    void should_send_no_data_when_every_recipient_is_refused() {
        server.extensions = "8BITMIME";
        server.script = c -> c.startsWith("RCPT") ? "550 5.1.1 no such user" : null;
        RelayResult r = send(envelope("a@d.test", "b@d.test"), content("x\r\n"), server.address());

        assertThat(codes(r)).containsOnly(550);
        assertThat(server.last().commands).doesNotContain("DATA").contains("RSET");
        assertThat(server.last().data).isEmpty();
    }

    @Test
    void should_send_no_content_when_pipelined_data_is_refused() {
        server.script = c -> c.startsWith("RCPT") ? "550 5.1.1 no such user"
                : c.equals("DATA") ? "554 5.5.1 no valid recipients" : null;
        RelayResult r = send(envelope("a@d.test"), content("x\r\n"), server.address());

        assertThat(codes(r)).containsOnly(550);
        assertThat(server.last().data).isEmpty();
        // The connection is still in step: the next message goes through on it.
        server.script = c -> null;
        assertThat(codes(send(envelope("a@d.test"), content("y\r\n"), server.address()))).containsOnly(250);
        assertThat(server.sessions()).hasSize(1);
    }

    @Test
    void should_try_the_next_host_after_a_421_greeting() throws Exception {
        try (CaptureSmtpServer busy = new CaptureSmtpServer()) {
            busy.script = c -> c.equals("CONNECT") ? "421 4.3.2 too busy" : null;
            RelayResult r = send(envelope("a@d.test"), content("x\r\n"), busy.address(), server.address());

            assertThat(codes(r)).containsOnly(250);
            assertThat(busy.sessions()).hasSize(1);
            assertThat(busy.last().commands).doesNotContain("MAIL FROM:<sender@origin.test>");
            assertThat(server.last().data).hasSize(1);
        }
    }

    @Test
    void should_try_the_next_host_when_the_connection_is_refused() throws Exception {
        InetSocketAddress closed = new InetSocketAddress(InetAddress.getLoopbackAddress(), freePort());
        RelayResult r = send(envelope("a@d.test"), content("x\r\n"), closed, server.address());
        assertThat(codes(r)).containsOnly(250);

        RelayResult none = send(envelope("a@d.test", "b@d.test"), content("x\r\n"), closed);
        assertThat(codes(none)).containsOnly(451);
        assertThat(none.recipients().get("b@d.test").text()).startsWith("4.4.1 ");
    }

    @Test
    void should_upgrade_to_tls_when_starttls_is_offered() throws Exception {
        server.tls = TestCertificates.serverContext();
        RelayResult r = send(envelope("a@d.test"), content("secret\r\n"), server.address("mx.capture.test"));

        assertThat(codes(r)).containsOnly(250);
        CaptureSmtpServer.Session s = server.last();
        assertThat(s.tls).isTrue();
        assertThat(s.sni).isEqualTo("mx.capture.test");
        assertThat(s.commands).containsSubsequence("EHLO relay.test", "STARTTLS", "EHLO relay.test", "MAIL FROM:<sender@origin.test> SIZE=100 BODY=8BITMIME");
        assertThat(new String(s.data.get(0), StandardCharsets.US_ASCII)).isEqualTo("secret\r\n.\r\n");
    }

    @Test
    void should_retry_the_same_host_in_plaintext_when_the_tls_handshake_fails() {
        server.brokenTls = true;
        try (LogEvents log = LogEvents.capture()) {
            RelayResult r = send(envelope("a@d.test"), content("x\r\n"), server.address());

            assertThat(codes(r)).containsOnly(250);
            // The server closed the connection after its garbage: that is known at once, not after
            // the handshake timeout (an SslHandler added to a closed channel never starts; that
            // attempt logged "failed: timed out" and cost a whole command timeout).
            assertThat(log.lines()).filteredOn(l -> l.contains("TLS handshake with"))
                    .singleElement().asString().doesNotContain("timed out");
        }
        assertThat(server.sessions()).hasSize(2);
        assertThat(server.sessions().get(0).commands).contains("STARTTLS");
        assertThat(server.sessions().get(1).commands).doesNotContain("STARTTLS");
        assertThat(server.sessions().get(1).data).hasSize(1);
    }

    @Test
    void should_retry_later_when_data_is_answered_250_instead_of_354() {
        server.script = c -> c.equals("DATA") ? "250 2.0.0 ok" : null;
        RelayResult r = send(envelope("a@d.test", "b@d.test"), content("x\r\n"), server.address());

        // not delivered: no content was sent (taken as final, this 250 lost the message)
        assertThat(codes(r)).containsOnly(451);
        assertThat(r.recipients().get("a@d.test").text()).startsWith("4.5.0 ").contains("answered DATA with \"250 2.0.0 ok\"");
        assertThat(server.last().data).isEmpty();

        // and the connection, out of step, is not used again
        server.script = c -> null;
        assertThat(codes(send(envelope("c@d.test"), content("y\r\n"), server.address()))).containsOnly(250);
        assertThat(server.sessions()).hasSize(2);
    }

    @Test
    void should_retry_later_when_data_is_answered_250_instead_of_354_without_pipelining() {
        server.extensions = "SIZE 104857600\n8BITMIME";
        server.script = c -> c.equals("DATA") ? "250 2.0.0 ok" : null;
        RelayResult r = send(envelope("a@d.test"), content("x\r\n"), server.address());

        assertThat(codes(r)).containsOnly(451);
        assertThat(server.last().commands).containsSubsequence("RCPT TO:<a@d.test>", "DATA");
        assertThat(server.last().data).isEmpty();
    }

    @Test
    void should_send_again_on_a_new_connection_when_a_reused_one_is_closed_with_421_at_mail() {
        assertThat(codes(send(envelope("a@d.test"), content("x\r\n"), server.address()))).containsOnly(250);
        AtomicInteger mails = new AtomicInteger();
        server.script = c -> c.startsWith("MAIL") && mails.incrementAndGet() == 1 ? "421 4.7.0 too many messages on this connection" : null;

        RelayResult r = send(envelope("b@d.test"), content("y\r\n"), server.address());

        // the 421 ended the connection before this message: nothing of it was sent, so it goes now
        assertThat(codes(r)).containsOnly(250);
        assertThat(server.sessions()).hasSize(2);
        assertThat(server.sessions().get(0).data).hasSize(1);
        assertThat(server.sessions().get(1).data).hasSize(1);
    }

    @Test
    void should_take_the_servers_reply_when_it_refuses_the_content_before_its_end() {
        server.replyAtDataStart = "552 5.3.4 message too big for me";
        // more than the socket buffers hold, so the client is still sending when the server closes
        byte[] big = "0123456789012345678901234567890123456789012345678901234567890123456789012345\r\n".repeat(256 * 1024)
                .getBytes(StandardCharsets.US_ASCII);

        RelayResult r = send(envelope("a@d.test"), content(big), server.address());

        // the server's verdict, not a made-up 451 "lost connection" that would send all of it again
        assertThat(codes(r)).containsOnly(552);
        assertThat(r.recipients().get("a@d.test").text()).isEqualTo("5.3.4 message too big for me");
    }

    @Test
    void should_drop_replies_injected_in_plaintext_after_the_220_to_starttls() throws Exception {
        server.tls = TestCertificates.serverContext();
        // what a man in the middle adds: a whole reply, then the start of a multi-line one and half a line
        server.plaintextAfterStartTls = "250 injected\r\n250-more\r\n550 5.7.1 no";
        try (LogEvents log = LogEvents.capture()) {
            RelayResult r = send(envelope("a@d.test", "b@d.test"), content("secret\r\n"), server.address());

            assertThat(codes(r)).containsOnly(250);
            assertThat(log.lines()).anyMatch(l -> l.startsWith("WARN ") && l.contains("after the 220 to STARTTLS: 1 reply(ies), "
                    + "1 line(s) of an unfinished reply, 12 octet(s) of an unfinished line"));
        }
        // one session, over TLS, each command answered by its own reply: the injected ones were not
        // taken as the replies to the EHLO, MAIL and RCPT sent inside TLS
        assertThat(server.sessions()).hasSize(1);
        CaptureSmtpServer.Session s = server.last();
        assertThat(s.tls).isTrue();
        assertThat(s.commands).containsSubsequence("STARTTLS", "EHLO relay.test", "MAIL FROM:<sender@origin.test> SIZE=100 BODY=8BITMIME",
                "RCPT TO:<a@d.test>", "RCPT TO:<b@d.test>", "DATA");
        assertThat(new String(s.data.get(0), StandardCharsets.US_ASCII)).isEqualTo("secret\r\n.\r\n");
    }

    @Test
    void should_not_try_tls_when_relay_tls_is_none() throws Exception {
        server.tls = TestCertificates.serverContext();
        try (SmtpRelayClient plain = new SmtpRelayClient(new RelaySettings("relay.test", false, Duration.ofSeconds(2),
                Duration.ofSeconds(5), Duration.ofSeconds(5), 0, Duration.ofSeconds(5)))) {
            assertThat(codes(plain.send(List.of(server.address()), envelope("a@d.test"), content("x\r\n")))).containsOnly(250);
        }
        assertThat(server.last().commands).doesNotContain("STARTTLS");
    }

    @Test
    void should_make_up_a_4xx_when_the_server_stops_answering() {
        client.close();
        client = client(4, Duration.ofMillis(500));
        server.script = c -> c.startsWith("MAIL") ? CaptureSmtpServer.SILENT : null;
        RelayResult r = send(envelope("a@d.test", "b@d.test"), content("x\r\n"), server.address());

        assertThat(codes(r)).containsOnly(451);
        assertThat(r.recipients().get("a@d.test").text()).startsWith("4.4.2 ").contains("timed out");
    }

    @Test
    void should_try_the_next_host_when_a_host_never_greets() throws Exception {
        client.close();
        client = client(4, Duration.ofMillis(500));
        try (CaptureSmtpServer mute = new CaptureSmtpServer()) {
            mute.script = c -> c.equals("CONNECT") ? CaptureSmtpServer.SILENT : null;
            RelayResult r = send(envelope("a@d.test"), content("x\r\n"), mute.address(), server.address());
            assertThat(codes(r)).containsOnly(250);

            RelayResult none = send(envelope("a@d.test"), content("x\r\n"), mute.address());
            assertThat(none.recipients().get("a@d.test").code()).isEqualTo(451);
            assertThat(none.recipients().get("a@d.test").text()).startsWith("4.4.2 ");
        }
    }

    @Test
    void should_make_up_a_4xx_when_the_connection_is_lost_after_data() {
        server.script = c -> c.equals(".") ? "421 4.3.0 shutting down" : null;
        RelayResult r = send(envelope("a@d.test"), content("x\r\n"), server.address());
        assertThat(r.recipients().get("a@d.test")).isEqualTo(new RemoteReply(421, "4.3.0 shutting down"));

        server.script = c -> c.equals(".") ? CaptureSmtpServer.SILENT : null;
        client.close();
        client = client(4, Duration.ofMillis(500));
        assertThat(codes(send(envelope("a@d.test"), content("x\r\n"), server.address()))).containsOnly(451);
    }

    @Test
    void should_reuse_one_connection_for_sequential_messages_with_rset_between() {
        for (int i = 0; i < 5; i++) {
            assertThat(codes(send(envelope("a@d.test"), content("m" + i + "\r\n"), server.address()))).containsOnly(250);
        }
        assertThat(server.sessions()).hasSize(1);
        assertThat(client.connectionsOpened()).isEqualTo(1);
        List<String> cmds = server.last().commands;
        assertThat(cmds.stream().filter(c -> c.startsWith("EHLO"))).hasSize(1);
        assertThat(cmds.stream().filter(c -> c.equals("RSET"))).hasSize(5);
        assertThat(server.last().data).hasSize(5);
    }

    @Test
    void should_quit_a_pooled_connection_after_its_idle_time() {
        client.close();
        client = new SmtpRelayClient(new RelaySettings("relay.test", true, Duration.ofSeconds(2), Duration.ofSeconds(5),
                Duration.ofSeconds(5), 4, Duration.ofMillis(300)));
        assertThat(codes(send(envelope("a@d.test"), content("m\r\n"), server.address()))).containsOnly(250);
        assertThat(server.last().commands).last().isEqualTo("RSET");

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(server.last().commands).last().isEqualTo("QUIT"));
    }

    @Test
    void should_replace_a_pooled_connection_the_server_dropped() throws Exception {
        assertThat(codes(send(envelope("a@d.test"), content("m\r\n"), server.address()))).containsOnly(250);
        server.dropConnections();
        org.awaitility.Awaitility.await().until(() -> server.sessions().size() == 1);

        assertThat(codes(send(envelope("a@d.test"), content("n\r\n"), server.address()))).containsOnly(250);
        assertThat(server.sessions()).hasSize(2);
        assertThat(server.sessions().get(1).data).hasSize(1);
    }

    @Test
    void should_open_a_connection_per_message_and_quit_when_the_pool_is_off() throws Exception {
        client.close();
        client = client(0, Duration.ofSeconds(5));
        for (int i = 0; i < 3; i++) {
            assertThat(codes(send(envelope("a@d.test"), content("m\r\n"), server.address()))).containsOnly(250);
        }
        assertThat(client.connectionsOpened()).isEqualTo(3);
        org.awaitility.Awaitility.await().untilAsserted(() ->
                assertThat(server.sessions()).hasSize(3).allSatisfy(s -> assertThat(s.commands).last().isEqualTo("QUIT")));
    }

    @Test
    void should_serve_concurrent_callers() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<RelayResult>> futures = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                MessageContent msg = content("Subject: " + i + "\r\n\r\nbody " + i + "\r\n");
                futures.add(pool.submit(() -> send(envelope("a@d.test", "b@d.test"), msg, server.address())));
            }
            for (Future<RelayResult> f : futures) {
                assertThat(codes(f.get())).containsOnly(250);
            }
        } finally {
            pool.shutdown();
        }
        assertThat(server.sessions().stream().mapToInt(s -> s.data.size()).sum()).isEqualTo(40);
        assertThat(client.connectionsOpened()).isLessThanOrEqualTo(40);
    }

    @Test
    void should_use_smtputf8_for_a_non_ascii_address_only_when_offered() {
        RelayResult r = send(envelope("j\u00f6rg@d.test", "a@d.test"), content("x\r\n"), server.address());
        assertThat(codes(r)).containsOnly(250);
        assertThat(server.last().commands).contains("MAIL FROM:<sender@origin.test> SIZE=100 BODY=8BITMIME SMTPUTF8",
                "RCPT TO:<j\u00f6rg@d.test>");

        server.extensions = "PIPELINING\n8BITMIME";
        client.close();
        client = client(0, Duration.ofSeconds(5));
        RelayResult without = send(envelope("j\u00f6rg@d.test", "a@d.test"), content("x\r\n"), server.address());
        assertThat(without.recipients().get("j\u00f6rg@d.test").code()).isEqualTo(553);
        assertThat(without.recipients().get("j\u00f6rg@d.test").text()).startsWith("5.6.7 ");
        assertThat(without.recipients().get("a@d.test").code()).isEqualTo(250);
    }

    @Test
    void should_refuse_an_address_that_would_inject_commands() {
        RelayResult r = send(envelope("a@d.test>\r\nRCPT TO:<x@evil.test", "b@d.test"), content("x\r\n"), server.address());

        assertThat(r.recipients().get("a@d.test>\r\nRCPT TO:<x@evil.test").code()).isEqualTo(553);
        assertThat(r.recipients().get("b@d.test").code()).isEqualTo(250);
        assertThat(server.last().commands).noneMatch(c -> c.contains("evil"));
    }

    @Test
    void should_fall_back_to_helo_when_ehlo_is_refused() {
        server.script = c -> c.startsWith("EHLO") ? "500 5.5.1 what" : null;
        RelayResult r = send(envelope("a@d.test"), content("x\r\n"), server.address());

        assertThat(codes(r)).containsOnly(250);
        assertThat(server.last().commands).contains("HELO relay.test", "MAIL FROM:<sender@origin.test>");
    }

    @Test
    void should_refuse_a_message_over_the_announced_size_without_sending_it() {
        server.extensions = "PIPELINING\nSIZE 50";
        RelayResult r = send(envelope("a@d.test"), content("x\r\n"), server.address());
        assertThat(r.recipients().get("a@d.test").code()).isEqualTo(552);
        assertThat(server.last().commands).noneMatch(c -> c.startsWith("MAIL"));
    }

    private static int indexOf(List<String> commands, String prefix) {
        for (int i = 0; i < commands.size(); i++) {
            if (commands.get(i).startsWith(prefix)) {
                return i;
            }
        }
        throw new AssertionError(prefix + " not in " + commands);
    }
}
