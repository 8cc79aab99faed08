package io.mailgateway.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.message.MessageContent;
import io.mailgateway.testing.SmtpTestClient;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultEventLoop;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spool files are written on worker threads, never on an event loop (a slow disk must not stall
 * the other connections of a loop), in order, with bounded memory: while the writer lags by more
 * than {@link SpoolWriter#BACKLOG_HIGH} octets the connection stops reading.
 */
class SpoolOffEventLoopTest {

    private static final int MESSAGE_SIZE = 20 * 1024 * 1024;

    @TempDir
    Path dir;

    private SmtpServer server;

    @AfterEach
    void stop() {
        SpoolWriter.writeObserver = thread -> { };
        if (server != null) {
            server.stop(Duration.ZERO);
        }
    }

    @Test
    void should_spool_a_20_mb_message_off_the_event_loop_and_deliver_it_byte_for_byte() throws Exception {
        Set<String> writers = ConcurrentHashMap.newKeySet();
        SpoolWriter.writeObserver = thread -> writers.add(thread.getName());
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        Path spool = Files.createDirectories(dir.resolve("spool"));
        SmtpServerSettings settings = new SmtpServerSettings("mx.spool.test", List.of("example.com"), 32L << 20, 10, 10,
                Duration.ofMinutes(5), Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ZERO, spool, 65536);
        MessageSink sink = message -> CompletableFuture.supplyAsync(() -> {
            try (InputStream in = message.content().openStream()) {
                received.add(sha256(in.readAllBytes()) + " " + message.content().size());
            } catch (Exception e) {
                received.add(e.toString());
            } finally {
                message.content().release();
            }
            return SmtpReplies.QUEUED.withText("Ok: queued as " + message.queueId());
        });
        server = new SmtpServer(settings, new SmtpServer.Socket("127.0.0.1", 0, 1, 128, true, false), sink);
        server.start();
        byte[] body = body(MESSAGE_SIZE);

        try (SmtpTestClient c = SmtpTestClient.connectEhlo(server.port())) {
            c.timeout(Duration.ofMinutes(2));
            c.sendMail("s@example.org", List.of("big@example.com"), terminated(body));
        }

        assertThat(received.poll(1, TimeUnit.MINUTES)).isEqualTo(sha256(body) + " " + body.length);
        assertThat(writers).as("threads that wrote the spool file").isNotEmpty()
                .allSatisfy(name -> assertThat(name).startsWith("smtp-spool-"));
        try (var left = Files.list(spool)) {
            assertThat(left).as("spool files after the message was released").isEmpty();
        }
    }

    @Test
    void should_stop_reading_while_the_spool_writer_lags_and_read_again_once_it_caught_up() throws Exception {
        CountDownLatch diskAnswers = new CountDownLatch(1);
        SpoolWriter.writeObserver = thread -> {
            try {
                diskAnswers.await(); // a disk that stalls
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        DefaultEventLoop loop = new DefaultEventLoop();
        try {
            BlockingQueue<Boolean> backlogged = new LinkedBlockingQueue<>();
            MessageBuffer buffer = new MessageBuffer(ByteBufAllocator.DEFAULT, dir.resolve("spool"), 65536, 32L << 20,
                    loop, full -> {
                        assertThat(loop.inEventLoop()).isTrue();
                        backlogged.add(full);
                    });
            byte[] chunk = body(64 * 1024);
            int chunks = 2 * SpoolWriter.BACKLOG_HIGH / chunk.length;
            loop.submit(() -> {
                for (int i = 0; i < chunks; i++) {
                    buffer.append(Unpooled.copiedBuffer(chunk));
                }
            }).sync();

            assertThat(backlogged.poll(1, TimeUnit.MINUTES)).as("reading stops while the disk stalls").isTrue();
            assertThat(backlogged).as("and stays stopped").isEmpty();
            diskAnswers.countDown();
            assertThat(backlogged.poll(1, TimeUnit.MINUTES)).as("reading resumes once written").isFalse();

            MessageContent content = loop.submit(buffer::finish).get().get(1, TimeUnit.MINUTES);
            try (InputStream in = content.openStream()) {
                byte[] all = in.readAllBytes();
                assertThat(all).hasSize(chunks * chunk.length);
                for (int i = 0; i < chunks; i++) {
                    assertThat(java.util.Arrays.copyOfRange(all, i * chunk.length, (i + 1) * chunk.length)).isEqualTo(chunk);
                }
            } finally {
                content.release();
            }
        } finally {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    /** Lines of printable text, none starting with a dot, ending in CRLF. */
    private static byte[] body(int size) {
        byte[] b = new byte[size];
        java.util.Random random = new java.util.Random(size);
        for (int i = 0; i < size; i++) {
            b[i] = (byte) ('a' + random.nextInt(26));
        }
        for (int i = 76; i < size - 1; i += 78) {
            b[i] = '\r';
            b[i + 1] = '\n';
        }
        b[size - 2] = '\r';
        b[size - 1] = '\n';
        return b;
    }

    private static byte[] terminated(byte[] body) {
        byte[] end = ".\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] all = java.util.Arrays.copyOf(body, body.length + end.length);
        System.arraycopy(end, 0, all, body.length, end.length);
        return all;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
