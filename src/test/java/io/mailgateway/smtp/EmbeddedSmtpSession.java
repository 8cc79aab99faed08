package io.mailgateway.smtp;

import io.mailgateway.metrics.SharedMeters.ErrorKind;
import io.mailgateway.policy.PolicyChain;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One SMTP session on the real pipeline of a listener (frame decoder, session handler, command
 * dispatcher) in an {@link EmbeddedChannel}: no socket, no threads, input split wherever the
 * caller likes. Messages go to a sink that keeps their bytes and answers 250. Messages stay
 * below the spool threshold, so everything happens on the embedded event loop.
 */
final class EmbeddedSmtpSession implements AutoCloseable {

    static final long MAX_MESSAGE_SIZE = 1 << 20;
    private static final InetSocketAddress CLIENT = new InetSocketAddress("192.0.2.7", 40000);
    private static final SmtpServerSettings SETTINGS = new SmtpServerSettings("mx.fuzz.test", List.of("example.com"),
            MAX_MESSAGE_SIZE, 10, 1000, Duration.ofMinutes(5), Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ZERO, spoolDir(),
            (int) MAX_MESSAGE_SIZE + 1);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<byte[]> messages = new ArrayList<>();
    private final List<ByteBuf> fed = new ArrayList<>();
    private final StringBuilder replies = new StringBuilder();
    private final EmbeddedChannel channel;

    EmbeddedSmtpSession() {
        this(PolicyChain.builder().build());
    }

    /** With the session-phase checks of {@code policy}. */
    EmbeddedSmtpSession(PolicyChain policy) {
        SmtpFrameDecoder decoder = new SmtpFrameDecoder();
        MessageSink sink = message -> {
            try (InputStream in = message.content().openStream()) {
                messages.add(in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                message.content().release();
            }
            return CompletableFuture.completedFuture(SmtpReplies.QUEUED.withText("Ok: queued as " + message.queueId()));
        };
        SmtpSessionHandler session = new SmtpSessionHandler(SETTINGS, sink, decoder, new CommandDispatcher(),
                new ConnectionTracker(), policy, new SmtpMetrics(registry), SmtpServer.Security.PLAIN,
                Runnable::run, ListenerOptions.DEFAULTS);
        channel = new EmbeddedChannel(decoder, session) {
            @Override
            protected SocketAddress remoteAddress0() {
                return CLIENT; // the session reads the client's IP address
            }
        };
        drainReplies();
    }

    /** Feeds {@code input} in pieces of {@code piece} octets (the last may be shorter), while the session is open. */
    EmbeddedSmtpSession feed(byte[] input, int piece) {
        for (int i = 0; i < input.length && channel.isOpen(); i += piece) {
            ByteBuf bytes = Unpooled.wrappedBuffer(input, i, Math.min(piece, input.length - i));
            fed.add(bytes);
            channel.writeInbound(bytes);
            channel.runPendingTasks(); // the sink's answer and the reply after it
            drainReplies();
        }
        channel.checkException();
        return this;
    }

    EmbeddedSmtpSession feed(String input, int piece) {
        return feed(input.getBytes(StandardCharsets.ISO_8859_1), piece);
    }

    /** What the server wrote, replies as sent (CRLF-terminated lines). */
    String replies() {
        return replies.toString();
    }

    /** The reply lines, in order. */
    List<String> replyLines() {
        List<String> lines = new ArrayList<>(List.of(replies.toString().split("\r\n", -1)));
        lines.remove(lines.size() - 1); // what follows the last CRLF: nothing, in a well-formed reply
        return lines;
    }

    /** The content of each message the sink received, as the decoder passed it on. */
    List<byte[]> messages() {
        return messages;
    }

    /** An exception somewhere in the pipeline, as a bug would raise it; then the replies. */
    EmbeddedSmtpSession fail(Throwable cause) {
        channel.pipeline().fireExceptionCaught(cause);
        channel.runPendingTasks();
        drainReplies();
        return this;
    }

    boolean open() {
        return channel.isOpen();
    }

    /** Exceptions the session handler caught (it answers 421 and closes on any). */
    double sessionFailures() {
        Counter failures = registry.find("smtp.errors").tag("kind", ErrorKind.SESSION.label()).counter();
        return failures == null ? 0 : failures.count();
    }

    /** Input buffers still referenced by someone (after {@link #close}: leaks). */
    long unreleasedInput() {
        return fed.stream().filter(b -> b.refCnt() != 0).count();
    }

    private void drainReplies() {
        ByteBuf out;
        while ((out = channel.readOutbound()) != null) {
            replies.append(out.toString(StandardCharsets.UTF_8));
            out.release();
        }
    }

    @Override
    public void close() {
        channel.finishAndReleaseAll();
        drainReplies();
    }

    private static Path spoolDir() {
        try {
            return Files.createTempDirectory("fuzz-spool");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
