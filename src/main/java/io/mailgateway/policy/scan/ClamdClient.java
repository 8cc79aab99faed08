package io.mailgateway.policy.scan;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Scans one message with ClamAV's clamd over its socket protocol: {@code zINSTREAM}, then the
 * message in chunks (4-octet big-endian length, data), then a zero-length chunk; clamd answers
 * one NUL-terminated line ({@link ClamdReply}). TCP ({@code host:port}) or a unix socket (a path).
 * The message streams from its storage in {@value #CHUNK}-octet chunks: never whole in the heap.
 * A whole scan (connect, send, verdict) has one deadline: a watchdog closes the socket when it
 * passes, which ends a blocked write as well as a blocked read. One connection per scan, as
 * clamd closes it after the verdict. Thread-safe.
 */
public final class ClamdClient implements AutoCloseable {

    static final int CHUNK = 64 * 1024;
    private static final byte[] COMMAND = "zINSTREAM\0".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_REPLY = 4096;

    private final SocketAddress address;
    private final Duration timeout;
    private final ScheduledThreadPoolExecutor watchdog = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "clamd-watchdog");
        t.setDaemon(true);
        return t;
    });

    public ClamdClient(String address, Duration timeout) {
        this.address = parseAddress(address);
        this.timeout = timeout;
        // a finished scan's deadline leaves the queue at once, not VIRUS_TIMEOUT later
        watchdog.setRemoveOnCancelPolicy(true);
    }

    /** CLAMD_ADDRESS: host:port, [v6]:port, or an absolute path of a unix socket. */
    static String checkAddress(String value) {
        try {
            parseAddress(value);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    static SocketAddress parseAddress(String value) {
        String v = value.trim();
        if (v.startsWith("/")) {
            return UnixDomainSocketAddress.of(Path.of(v));
        }
        int colon = v.lastIndexOf(':');
        String host = colon > 0 ? v.substring(0, colon) : "";
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isEmpty() || !v.substring(colon + 1).matches("[0-9]{1,5}")
                || Integer.parseInt(v.substring(colon + 1)) < 1 || Integer.parseInt(v.substring(colon + 1)) > 65535) {
            throw new IllegalArgumentException("must be host:port ([v6]:port for IPv6) or the path of a unix socket, got '" + value + "'");
        }
        return InetSocketAddress.createUnresolved(host, Integer.parseInt(v.substring(colon + 1)));
    }

    /** Streams {@code message} to clamd; an IOException means clamd gave no verdict (down, timeout, reset). */
    public ClamdReply scan(InputStream message) throws IOException {
        try (SocketChannel channel = address instanceof UnixDomainSocketAddress
                ? SocketChannel.open(StandardProtocolFamily.UNIX) : SocketChannel.open()) {
            ScheduledFuture<?> deadline = watchdog.schedule(() -> closeQuietly(channel), timeout.toMillis(), TimeUnit.MILLISECONDS);
            try {
                connect(channel);
                try {
                    send(channel, message);
                } catch (IOException e) {
                    // clamd may stop reading and answer early (StreamMaxLength): its reply says why
                    if (e instanceof AsynchronousCloseException || !channel.isOpen()) {
                        throw e;
                    }
                    ClamdReply early = readReply(channel);
                    if (early.kind() == ClamdReply.Kind.ERROR && early.detail().equals("(empty reply)")) {
                        throw e;
                    }
                    return early;
                }
                return readReply(channel);
            } catch (AsynchronousCloseException e) {
                throw new IOException("clamd gave no verdict within " + timeout.toMillis() + " ms", e);
            } finally {
                deadline.cancel(false);
            }
        }
    }

    /** A host name is resolved at each scan, so it follows DNS changes. */
    private void connect(SocketChannel channel) throws IOException {
        SocketAddress target = address instanceof InetSocketAddress a ? new InetSocketAddress(a.getHostString(), a.getPort()) : address;
        try {
            channel.connect(target);
        } catch (UnresolvedAddressException e) {
            throw new IOException("cannot resolve clamd's host " + target, e);
        }
    }

    private static void send(SocketChannel channel, InputStream message) throws IOException {
        writeFully(channel, ByteBuffer.wrap(COMMAND));
        ByteBuffer chunk = ByteBuffer.allocate(4 + CHUNK);
        while (true) {
            chunk.clear();
            chunk.position(4);
            int n = message.readNBytes(chunk.array(), 4, CHUNK);
            chunk.putInt(0, n);
            chunk.limit(4 + n).position(0);
            writeFully(channel, chunk);
            if (n == 0) {
                return; // the zero-length chunk ends the stream
            }
        }
    }

    private static void writeFully(SocketChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    private static ClamdReply readReply(SocketChannel channel) throws IOException {
        ByteBuffer reply = ByteBuffer.allocate(MAX_REPLY);
        while (reply.hasRemaining() && channel.read(reply) >= 0) {
            if (reply.position() > 0 && reply.get(reply.position() - 1) == 0) {
                break;
            }
        }
        String text = new String(reply.array(), 0, reply.position(), StandardCharsets.US_ASCII);
        int nul = text.indexOf('\0');
        return ClamdReply.parse(nul >= 0 ? text.substring(0, nul) : text);
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing to end a stuck scan; the scanning thread reports the timeout
        }
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
    }
}
