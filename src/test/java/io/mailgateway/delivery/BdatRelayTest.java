package io.mailgateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.message.MessageContent;
import io.mailgateway.smtp.MessageSink;
import io.mailgateway.smtp.SmtpMetrics;
import io.mailgateway.smtp.SmtpReplies;
import io.mailgateway.smtp.SmtpServer;
import io.mailgateway.smtp.SmtpServerSettings;
import io.mailgateway.policy.limits.ConnectionPolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BDAT_CHUNK_SIZE: the relay client sends BDAT chunks (RFC 3030) to next hops that offer
 * CHUNKING, on real loopback sockets: to the capture server, which records every BDAT line and
 * the exact octets, and to the gateway's own SMTP listener (gateway to gateway).
 */
class BdatRelayTest {

    private static final int CHUNK = 4096;

    private CaptureSmtpServer server;
    private final List<MessageContent> contents = new ArrayList<>();
    private final List<AutoCloseable> closing = new ArrayList<>();

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws Exception {
        server = new CaptureSmtpServer();
        server.extensions = "PIPELINING\nSIZE 104857600\n8BITMIME\nCHUNKING\nSMTPUTF8";
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        server.close();
        contents.forEach(MessageContent::release);
    }

    private SmtpRelayClient client(int chunkSize) {
        SmtpRelayClient client = new SmtpRelayClient(new RelaySettings("relay.test", false, Duration.ofSeconds(2),
                Duration.ofSeconds(10), Duration.ofSeconds(20), 0, Duration.ofSeconds(30)).withBdatChunkSize(chunkSize));
        closing.add(client);
        return client;
    }

    private MessageContent content(byte[] bytes) {
        MessageContent c = MessageContent.inBuffer(Unpooled.wrappedBuffer(bytes));
        contents.add(c);
        return c;
    }

    /** A CRLF message of about {@code size} octets with lines a DATA client must dot-stuff, and 8-bit octets. */
    private static byte[] message(int size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("Subject: chunks\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        int line = 0;
        while (out.size() < size) {
            String text = (line % 7 == 0 ? "." : "") + "line " + line + " Gr\u00fc\u00dfe " + "x".repeat(line % 60) + "\r\n";
            out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
            line++;
        }
        out.writeBytes(".\r\n".getBytes(StandardCharsets.US_ASCII)); // a lone dot line: content here, not an end
        return out.toByteArray();
    }

    private static RelayEnvelope envelope(long size, String... rcpts) {
        return new RelayEnvelope("Q1", "sender@origin.test", List.of(rcpts), size);
    }

    private static List<String> bdatLines(CaptureSmtpServer.Session s) {
        return s.commands.stream().filter(c -> c.startsWith("BDAT ")).toList();
    }

    @Test
    void should_send_the_message_unchanged_in_bdat_chunks_of_the_configured_size() {
        byte[] msg = message(10 * 1024 + 17);
        RelayResult r = client(CHUNK).send(List.of(server.address()), envelope(msg.length, "a@dest.test", "b@dest.test"),
                content(msg));

        assertThat(r.recipients().values()).extracting(RemoteReply::code).containsOnly(250);
        CaptureSmtpServer.Session s = server.last();
        assertThat(s.data.get(0)).isEqualTo(msg); // no dot-stuffing, no end-of-data line
        int chunks = (msg.length + CHUNK - 1) / CHUNK;
        assertThat(bdatLines(s)).hasSize(chunks);
        assertThat(bdatLines(s).subList(0, chunks - 1)).containsOnly("BDAT " + CHUNK);
        assertThat(bdatLines(s).get(chunks - 1)).isEqualTo("BDAT " + (msg.length - (chunks - 1) * CHUNK) + " LAST");
        assertThat(s.commands).doesNotContain("DATA")
                .contains("MAIL FROM:<sender@origin.test> SIZE=" + msg.length + " BODY=8BITMIME");
    }

    @Test
    void should_wait_for_each_chunk_reply_without_pipelining() {
        server.extensions = "SIZE 104857600\n8BITMIME\nCHUNKING";
        server.replyDelayMillis = 50; // a pipelining client would have sent the next chunk meanwhile
        byte[] msg = message(3 * CHUNK);
        RelayResult r = client(CHUNK).send(List.of(server.address()), envelope(msg.length, "a@dest.test"), content(msg));

        assertThat(r.recipients().get("a@dest.test").code()).isEqualTo(250);
        CaptureSmtpServer.Session s = server.last();
        assertThat(s.data.get(0)).isEqualTo(msg);
        assertThat(bdatLines(s)).hasSize(4);
        // nothing of the second chunk had arrived when the first one was answered
        assertThat(s.pendingAtReply.get("BDAT " + CHUNK)).isZero();
    }

    @Test
    void should_stop_sending_chunks_after_a_refused_one_and_report_its_reply() {
        server.extensions = "SIZE 104857600\n8BITMIME\nCHUNKING";
        server.script = line -> line.startsWith("BDAT") ? "552 5.3.4 too much" : null;
        byte[] msg = message(3 * CHUNK);
        RelayResult r = client(CHUNK).send(List.of(server.address()), envelope(msg.length, "a@dest.test"), content(msg));

        assertThat(r.recipients().get("a@dest.test").code()).isEqualTo(552);
        assertThat(bdatLines(server.last())).hasSize(1); // RFC 3030 2: no chunk after a refused one
        assertThat(server.last().data).isEmpty();
    }

    @Test
    void should_make_bare_line_ends_crlf_because_the_content_is_declared_8bitmime() {
        byte[] msg = "Subject: bare\r\n\r\nbare lf\nbare cr\r.dot\r\nend\r".getBytes(StandardCharsets.US_ASCII);
        RelayResult r = client(CHUNK).send(List.of(server.address()), envelope(msg.length, "a@dest.test"), content(msg));

        assertThat(r.recipients().get("a@dest.test").code()).isEqualTo(250);
        assertThat(new String(server.last().data.get(0), StandardCharsets.US_ASCII))
                .isEqualTo("Subject: bare\r\n\r\nbare lf\r\nbare cr\r\n.dot\r\nend\r\n");
    }

    @Test
    void should_send_data_when_bdat_chunk_size_is_zero_even_if_chunking_is_offered() {
        byte[] msg = message(2 * CHUNK);
        RelayResult r = client(0).send(List.of(server.address()), envelope(msg.length, "a@dest.test"), content(msg));

        assertThat(r.recipients().get("a@dest.test").code()).isEqualTo(250);
        assertThat(bdatLines(server.last())).isEmpty();
        assertThat(server.last().commands).contains("DATA");
    }

    @Test
    void should_send_data_to_a_next_hop_without_chunking() {
        server.extensions = "PIPELINING\nSIZE 104857600\n8BITMIME";
        byte[] msg = message(2 * CHUNK);
        RelayResult r = client(CHUNK).send(List.of(server.address()), envelope(msg.length, "a@dest.test"), content(msg));

        assertThat(r.recipients().get("a@dest.test").code()).isEqualTo(250);
        assertThat(bdatLines(server.last())).isEmpty();
        assertThat(server.last().commands).contains("DATA");
    }

    @Test
    void should_relay_gateway_to_gateway_with_bdat_and_the_receiver_stores_identical_bytes() throws Exception {
        List<byte[]> received = new CopyOnWriteArrayList<>();
        MessageSink sink = message -> {
            try (InputStream in = message.content().openStream()) {
                received.add(in.readAllBytes());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } finally {
                message.content().release();
            }
            return CompletableFuture.completedFuture(SmtpReplies.QUEUED.withText("Ok: queued as " + message.queueId()));
        };
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        SmtpServerSettings settings = new SmtpServerSettings("mx.next.test", List.of("dest.test"), 8 << 20, 10, 10,
                Duration.ofMinutes(5), Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ZERO, dir, 16 * 1024);
        SmtpServer nextHop = new SmtpServer(settings, new SmtpServer.Socket("127.0.0.1", 0, 1, 16, true, false), sink,
                new ConnectionPolicy(ConnectionPolicy.Limits.none()), List.of(), new SmtpMetrics(meters));
        nextHop.start();
        closing.add(() -> nextHop.stop(Duration.ofSeconds(1)));
        byte[] msg = message(100 * 1024 + 5);

        RelayResult r = client(16 * 1024).send(List.of(new InetSocketAddress("127.0.0.1", nextHop.port())),
                envelope(msg.length, "a@dest.test"), content(msg));

        assertThat(r.recipients().get("a@dest.test").code()).isEqualTo(250);
        assertThat(received).hasSize(1);
        assertThat(received.get(0)).isEqualTo(msg);
        // every chunk but the last got "250 2.0.0 n octets received", the last "250 2.0.0 queued as"
        int chunks = (msg.length + 16 * 1024 - 1) / (16 * 1024);
        assertThat(meters.get("smtp.responses").tag("code", "250").tag("enhanced", "2.0.0").counter().count())
                .isEqualTo(chunks);
    }
}
