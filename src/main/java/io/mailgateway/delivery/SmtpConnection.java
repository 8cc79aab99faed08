package io.mailgateway.delivery;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection to a next-hop host with a blocking API over Netty: the calling
 * delivery worker writes commands and waits for replies with a timeout, while the event loop
 * decodes replies into a queue. Used by one worker at a time (the pool hands it over).
 *
 * <p>Lifecycle: {@link #connect} → greeting, EHLO, maybe STARTTLS (by {@link SmtpRelayClient})
 * → transactions → {@link #quitAndClose()} or {@link #abort()}.
 */
final class SmtpConnection {

    private static final Logger LOG = LoggerFactory.getLogger(SmtpConnection.class);
    private static final Object CLOSED = new Object();
    private static final int CHUNK = 64 * 1024;

    private final Channel channel;
    private final InetSocketAddress address;
    private final BlockingQueue<Object> inbox;
    private final Object writability;
    private Map<String, String> extensions = Map.of();
    private boolean tls;
    private boolean reusable = true;
    private long idleSince;
    private int transactions;

    private SmtpConnection(Channel channel, InetSocketAddress address, BlockingQueue<Object> inbox, Object writability) {
        this.channel = channel;
        this.address = address;
        this.inbox = inbox;
        this.writability = writability;
    }

    /** Opens the TCP connection; the greeting is read by the caller. */
    static SmtpConnection connect(Bootstrap bootstrap, InetSocketAddress address, Duration timeout) throws RelayIoException {
        BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
        Object writability = new Object();
        Bootstrap b = bootstrap.clone()
                .option(io.netty.channel.ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast("lines", new ReplyLines());
                        ch.pipeline().addLast("replies", new ClientReplyDecoder());
                        ch.pipeline().addLast("inbox", new InboxHandler(inbox, writability));
                    }
                });
        ChannelFuture f = b.connect(address);
        boolean done = f.awaitUninterruptibly(timeout.toMillis() + 1000);
        String host = name(address);
        if (!done) {
            f.cancel(false);
            f.channel().close();
            throw new RelayIoException(RelayReplies.connectFailed(host, "connection timed out"));
        }
        if (!f.isSuccess()) {
            Throwable cause = f.cause();
            String why = cause instanceof io.netty.channel.ConnectTimeoutException ? "connection timed out"
                    : cause == null ? "cancelled" : rootMessage(cause);
            throw new RelayIoException(RelayReplies.connectFailed(host, why));
        }
        return new SmtpConnection(f.channel(), address, inbox, writability);
    }

    InetSocketAddress address() {
        return address;
    }

    String host() {
        return name(address);
    }

    /** Waits for the next reply; on a timeout the connection is closed (it is out of step). */
    ClientReply read(Duration timeout, String phase) throws RelayIoException {
        Object next;
        try {
            next = inbox.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abort();
            throw new RelayIoException(RelayReplies.lostConnection(host(), phase + " (interrupted)"));
        }
        if (next == null) {
            abort();
            throw new RelayIoException(RelayReplies.timeout(host(), phase));
        }
        if (next == CLOSED) {
            inbox.offer(CLOSED); // later reads see it too
            reusable = false;
            throw new RelayIoException(RelayReplies.lostConnection(host(), phase));
        }
        ClientReply reply = (ClientReply) next;
        if (reply.code() == 421) {
            reusable = false; // RFC 5321 3.8: the server is closing the channel
        }
        return reply;
    }

    /** Writes the lines (each gets CRLF) in one flush: one TCP segment for a pipelined batch. */
    void write(String... lines) {
        ByteBuf out = channel.alloc().buffer(64 * lines.length);
        for (String line : lines) {
            ByteBufUtil.writeUtf8(out, line);
            out.writeByte('\r').writeByte('\n');
        }
        channel.writeAndFlush(out);
    }

    ClientReply command(String line, Duration timeout, String phase) throws RelayIoException {
        write(line);
        return read(timeout, phase);
    }

    /**
     * Upgrades to TLS after "220 ready to start TLS" (RFC 3207), with SNI = the host name;
     * on failure the connection is closed.
     */
    void startTls(SslContext context, Duration timeout) throws RelayIoException {
        // On the event loop, so that no read falls between the look at what has arrived and the
        // handler: whatever came after the 220 and before the handshake did not come through TLS.
        // It is dropped, as Postfix's client does, never read as the reply to a command sent inside
        // TLS (a man in the middle's injected "250" would put every later reply out of step; the
        // client side of CVE-2011-0411). A connection already closed fails now: an SslHandler added
        // to a closed channel never starts its handshake and would wait for the whole timeout.
        // The handler is made only once it is added (an OpenSSL engine holds native memory until released).
        io.netty.util.concurrent.Future<Object> added = channel.eventLoop().submit(() -> {
            if (!channel.isActive()) {
                return "connection closed after the 220 to STARTTLS";
            }
            int replies = 0;
            for (Object queued; (queued = inbox.poll()) != null; ) {
                if (queued == CLOSED) {
                    return "connection closed after the 220 to STARTTLS";
                }
                replies++;
            }
            // Fresh decoders: the old ones may hold part of a line or of a multi-line reply. The
            // line decoder's octets are dropped first, or its removal would pass them on.
            int octets = ((ReplyLines) channel.pipeline().get("lines")).discardBuffered();
            int lines = ((ClientReplyDecoder) channel.pipeline().get("replies")).pendingLines();
            channel.pipeline().replace("lines", "lines", new ReplyLines());
            channel.pipeline().replace("replies", "replies", new ClientReplyDecoder());
            if (replies > 0 || lines > 0 || octets > 0) {
                LOG.warn("{}: dropped what came in plaintext after the 220 to STARTTLS: {} reply(ies), {} line(s) of an"
                        + " unfinished reply, {} octet(s) of an unfinished line", host(), replies, lines, octets);
            }
            SslHandler handler = context.newHandler(channel.alloc(), address.getHostString(), address.getPort());
            handler.setHandshakeTimeoutMillis(timeout.toMillis());
            channel.pipeline().addFirst("tls", handler);
            return handler;
        });
        if (!added.awaitUninterruptibly(timeout.toMillis()) || !(added.getNow() instanceof SslHandler ssl)) {
            abort();
            String why = added.getNow() instanceof String reason ? reason
                    : added.cause() != null ? rootMessage(added.cause()) : "timed out";
            throw new RelayIoException(RelayReplies.tlsFailed(host(), why));
        }
        io.netty.util.concurrent.Future<Channel> handshake = ssl.handshakeFuture();
        if (!handshake.awaitUninterruptibly(timeout.toMillis() + 1000) || !handshake.isSuccess()) {
            abort();
            Throwable cause = handshake.cause();
            throw new RelayIoException(RelayReplies.tlsFailed(host(), cause == null ? "timed out" : rootMessage(cause)));
        }
        tls = true;
        extensions = Map.of(); // RFC 3207 4.2: forget what was said before TLS
    }

    /**
     * Streams the message as DATA content, dot-stuffed and with line ends made CRLF, ending
     * with CRLF.CRLF. Holds at most one chunk plus Netty's high water mark in memory: waits
     * while the channel is not writable, up to {@code stall} without progress.
     */
    void sendData(InputStream in, Duration stall) throws RelayIoException, IOException {
        DataEncoder encoder = new DataEncoder();
        byte[] chunk = new byte[CHUNK];
        int n;
        while ((n = in.read(chunk)) > 0) {
            awaitWritable(stall);
            ByteBuf out = channel.alloc().buffer(DataEncoder.maxEncodedLength(n));
            encoder.encode(chunk, 0, n, out);
            channel.writeAndFlush(out);
        }
        awaitWritable(stall);
        ByteBuf end = channel.alloc().buffer(8);
        encoder.finish(end);
        channel.writeAndFlush(end);
    }

    /**
     * Writes "BDAT n" (with LAST on the final chunk) and the n octets of {@code chunk} in one
     * flush (RFC 3030 2); waits first while the channel is not writable, as {@link #sendData}.
     * Takes over {@code chunk} (released once written, or here on failure).
     */
    void sendChunk(ByteBuf chunk, boolean last, Duration stall) throws RelayIoException {
        try {
            awaitWritable(stall);
        } catch (RelayIoException e) {
            chunk.release();
            throw e;
        }
        ByteBuf command = channel.alloc().buffer(32);
        ByteBufUtil.writeAscii(command, "BDAT " + chunk.readableBytes() + (last ? " LAST" : "") + "\r\n");
        channel.write(command);
        channel.writeAndFlush(chunk);
    }

    /** A buffer from the channel's allocator (for content about to be written). */
    ByteBuf buffer(int capacity) {
        return channel.alloc().buffer(capacity);
    }

    private void awaitWritable(Duration stall) throws RelayIoException {
        long deadline = System.nanoTime() + stall.toNanos();
        synchronized (writability) {
            while (channel.isActive() && !channel.isWritable()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    abort();
                    throw new RelayIoException(RelayReplies.timeout(host(), "sending message content"));
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(writability, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    abort();
                    throw new RelayIoException(RelayReplies.lostConnection(host(), "sending message content (interrupted)"));
                }
            }
        }
        if (!channel.isActive()) {
            reusable = false;
            // A server may refuse the content before its end and close (552 too big, 554): its
            // reply, already read, is the verdict; a made-up 451 would send it all again for days.
            if (inbox.peek() instanceof ClientReply early && (early.code() / 100 == 4 || early.code() / 100 == 5)) {
                throw new RelayIoException(early.toRemote());
            }
            throw new RelayIoException(RelayReplies.lostConnection(host(), "sending message content"));
        }
    }

    /** EHLO keywords (upper case) → parameters, from the lines after the first (RFC 5321 4.1.1.1). */
    void extensions(ClientReply ehlo) {
        Map<String, String> ext = new HashMap<>();
        for (int i = 1; i < ehlo.lines().size(); i++) {
            String line = ehlo.lines().get(i).trim();
            int sp = line.indexOf(' ');
            String key = (sp < 0 ? line : line.substring(0, sp)).toUpperCase(Locale.ROOT);
            ext.put(key, sp < 0 ? "" : line.substring(sp + 1).trim());
        }
        extensions = Map.copyOf(ext);
    }

    boolean offers(String keyword) {
        return extensions.containsKey(keyword);
    }

    /** The SIZE limit the server announced, 0 when none (RFC 1870). */
    long sizeLimit() {
        try {
            return Long.parseLong(extensions.getOrDefault("SIZE", "0").trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    boolean isTls() {
        return tls;
    }

    boolean isOpen() {
        return channel.isActive() && reusable && inbox.isEmpty();
    }

    boolean reusable() {
        return reusable && channel.isActive();
    }

    void notReusable() {
        reusable = false;
    }

    long idleSince() {
        return idleSince;
    }

    void idleNow(long nanos) {
        idleSince = nanos;
    }

    int transactions() {
        return transactions;
    }

    void countTransaction() {
        transactions++;
    }

    /** RFC 5321 4.1.1.10: QUIT, then close once the server answered (or after a second). */
    void quitAndClose() {
        if (!channel.isActive()) {
            return;
        }
        reusable = false;
        try {
            channel.pipeline().replace("inbox", "close-on-reply", new SimpleChannelInboundHandler<Object>() {
                @Override
                protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
                    ctx.close();
                }

                @Override
                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    ctx.close();
                }
            });
        } catch (java.util.NoSuchElementException e) {
            // the channel closed meanwhile and its pipeline is empty
        }
        inbox.clear();
        write("QUIT");
        channel.eventLoop().schedule(() -> channel.close(), 1, TimeUnit.SECONDS);
    }

    /** Closes without QUIT: the conversation is out of step or broken. */
    void abort() {
        reusable = false;
        channel.close();
    }

    private static String name(InetSocketAddress a) {
        String host = a.getHostString();
        String ip = a.getAddress() == null ? null : a.getAddress().getHostAddress();
        String shown = ip == null || ip.equals(host) ? host : host + "[" + ip + "]";
        return shown + ":" + a.getPort();
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    /** Event-loop side: replies and the end of the connection go to the worker's inbox. */
    private static final class InboxHandler extends SimpleChannelInboundHandler<ClientReply> {
        private final BlockingQueue<Object> inbox;
        private final Object writability;

        InboxHandler(BlockingQueue<Object> inbox, Object writability) {
            this.inbox = inbox;
            this.writability = writability;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ClientReply reply) {
            inbox.offer(reply);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            wake();
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            inbox.offer(CLOSED);
            wake();
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // protocol error or I/O error: the worker sees CLOSED
        }

        private void wake() {
            synchronized (writability) {
                writability.notifyAll();
            }
        }
    }

    /** Reply lines up to 8 KiB; can drop what it holds of a line not yet complete (see {@link #startTls}). */
    private static final class ReplyLines extends LineBasedFrameDecoder {
        ReplyLines() {
            super(8192);
        }

        /** Drops the octets of an incomplete line; returns how many. Event loop only. */
        int discardBuffered() {
            ByteBuf held = internalBuffer();
            int n = held.readableBytes();
            held.skipBytes(n);
            return n;
        }
    }
}
