package io.mailgateway.delivery;

import io.mailgateway.message.MessageContent;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.mailgateway.metrics.SharedMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Our SMTP client for relaying to next hops, on Netty.
 *
 * <p>Why not camel-mail (Jakarta/Angus Mail): Angus sends MAIL, each RCPT and DATA one round
 * trip at a time (no PIPELINING, RFC 2920); it reports refused recipients as one
 * {@code SendFailedException} with the last reply rather than a reply per recipient, and a
 * refused DATA or a 4xx after the dot per message only; it writes the message through
 * {@code MimeMessage.writeTo}, which re-serialises headers and may re-encode the body unless
 * every part is handled carefully, where we must relay the stored octets unchanged (plus our
 * Received:). Here the bytes of {@link MessageContent} go out as stored, dot-stuffed and with
 * bare CR/LF made CRLF (SMTP smuggling), and every recipient gets its own reply.
 *
 * <p>Behaviour: EHLO (HELO on a 5xx), opportunistic STARTTLS without certificate checks
 * (Postfix {@code smtp_tls_security_level=may}) with one plaintext retry if the handshake
 * fails, PIPELINING, SIZE=, BODY=8BITMIME, SMTPUTF8, BDAT chunks of BDAT_CHUNK_SIZE when CHUNKING is
 * offered (RFC 3030); recipients over the server's limit (452) in further transactions at
 * once; the next host of the list after a
 * connect failure or a 4xx/5xx greeting (RFC 5321 5.1); a timeout on every step
 * (RFC 5321 4.5.3.2); content streamed with channel backpressure.
 *
 * <p>Lifecycle and threads: one instance per gateway, shared by every delivery worker;
 * {@link #send} blocks the calling worker until its transaction ends. After a transaction the
 * connection gets RSET and waits idle in a per-address pool (RELAY_CONNECTION_POOL_SIZE) for
 * the next message, until RELAY_CONNECTION_IDLE_TIME; {@link #close()} sends QUIT on each.
 */
public final class SmtpRelayClient implements RelayClient {

    private static final Logger LOG = LoggerFactory.getLogger(SmtpRelayClient.class);

    private final RelaySettings settings;
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final SslContext sslContext;
    private final Map<InetSocketAddress, Deque<SmtpConnection>> idle = new HashMap<>();
    private final java.util.concurrent.atomic.AtomicLong connectionsOpened = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean closed;

    private Counter withTls = SharedMeters.tlsConnections(new SimpleMeterRegistry(), "outbound", true);
    private Counter inClear = SharedMeters.tlsConnections(new SimpleMeterRegistry(), "outbound", false);

    public SmtpRelayClient(RelaySettings settings) {
        this.settings = settings;
        this.group = new NioEventLoopGroup(2, new DefaultThreadFactory("relay-io", true));
        this.bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                // Backpressure: a worker streaming content waits while 1 MiB is queued unsent.
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024));
        try {
            this.sslContext = SslContextBuilder.forClient()
                    .trustManager(InsecureTrustManagerFactory.INSTANCE) // "may": encrypt, do not authenticate
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("no TLS client context", e);
        }
        long period = Math.max(200, Math.min(1000, settings.idleTime().toMillis() / 2));
        group.scheduleAtFixedRate(this::closeExpired, period, period, TimeUnit.MILLISECONDS);
    }

    /** TCP connections opened so far (for tests and the benchmark: reuse means few). */
    public long connectionsOpened() {
        return connectionsOpened.get();
    }

    @Override
    public RelayResult send(List<InetSocketAddress> hosts, RelayEnvelope envelope, MessageContent message) {
        if (hosts.isEmpty()) {
            return all(envelope, RelayReplies.noHosts(), "");
        }
        RemoteReply failure = RelayReplies.noHosts();
        String lastHost = "";
        for (InetSocketAddress address : hosts) {
            lastHost = address.getHostString();
            SmtpConnection pooled = take(address);
            if (pooled != null) {
                RelayTransaction tx = new RelayTransaction(pooled, envelope, message, settings.commandTimeout(), settings.dataTimeout(),
                        settings.bdatChunkSize());
                Map<String, RemoteReply> replies = tx.run();
                if (!tx.closingAtMail() && (tx.anyReply() || pooled.reusable())) {
                    replies = withTheRest(pooled, envelope, message, replies);
                    LOG.debug("{}: {} via {} (tls={}, reused)", envelope.queueId(), replies, pooled.host(), pooled.isTls());
                    finish(pooled);
                    return new RelayResult(replies, lastHost);
                }
                // the server dropped the idle connection, or closed it with a 421 before this
                // message (too many messages on one connection): nothing was sent, start afresh
                pooled.abort();
            }
            SmtpConnection conn;
            try {
                conn = open(address, settings.tls());
            } catch (RelayIoException e) {
                failure = e.reply();
                LOG.debug("{}: {} (next host)", envelope.queueId(), failure);
                continue;
            }
            Map<String, RemoteReply> replies = withTheRest(conn, envelope, message, new RelayTransaction(conn, envelope, message,
                    settings.commandTimeout(), settings.dataTimeout(), settings.bdatChunkSize()).run());
            LOG.debug("{}: {} via {} (tls={}, new connection)", envelope.queueId(), replies, conn.host(), conn.isTls());
            finish(conn);
            return new RelayResult(replies, lastHost);
        }
        return all(envelope, failure, lastHost);
    }

    /**
     * RFC 5321 4.5.3.1.10: a server that takes only so many recipients a transaction answers
     * the others 452 ("too many recipients"), and the client "SHOULD be prepared to transmit in
     * chunks". Those recipients go at once in another transaction on the same connection
     * (Postfix does the same) rather than waiting for the retry schedule, for as long as each
     * transaction delivers to at least one recipient: a 452 for want of space ends it.
     */
    private Map<String, RemoteReply> withTheRest(SmtpConnection conn, RelayEnvelope envelope, MessageContent message,
            Map<String, RemoteReply> replies) {
        Map<String, RemoteReply> all = new LinkedHashMap<>(replies);
        Map<String, RemoteReply> last = replies;
        while (true) {
            List<String> rest = last.entrySet().stream().filter(e -> e.getValue().code() == 452).map(Map.Entry::getKey).toList();
            boolean delivered = last.values().stream().anyMatch(r -> r.code() / 100 == 2);
            if (rest.isEmpty() || !delivered || !conn.reusable() || closed) {
                return all;
            }
            try {
                if (!conn.command("RSET", settings.commandTimeout(), "sending RSET").isPositive()) {
                    return all;
                }
            } catch (RelayIoException e) {
                return all;
            }
            RelayEnvelope next = new RelayEnvelope(envelope.queueId(), envelope.mailFrom(), rest, envelope.size());
            last = new RelayTransaction(conn, next, message, settings.commandTimeout(), settings.dataTimeout(),
                    settings.bdatChunkSize()).run();
            all.putAll(last);
        }
    }

    private static RelayResult all(RelayEnvelope envelope, RemoteReply reply, String host) {
        Map<String, RemoteReply> replies = new LinkedHashMap<>();
        envelope.recipients().forEach(r -> replies.put(r, reply));
        return new RelayResult(replies, host);
    }

    /** Connects, reads the greeting, EHLO, and STARTTLS when offered and allowed. */
    private SmtpConnection open(InetSocketAddress address, boolean tryTls) throws RelayIoException {
        SmtpConnection conn = SmtpConnection.connect(bootstrap, address, settings.connectTimeout());
        connectionsOpened.incrementAndGet();
        try {
            ClientReply greeting = conn.read(settings.commandTimeout(), "waiting for the greeting");
            if (greeting.code() != 220) {
                conn.quitAndClose();
                throw new RelayIoException(greeting.code() / 100 == 4 ? greeting.toRemote()
                        : RelayReplies.refusedGreeting(conn.host(), greeting));
            }
            hello(conn);
            if (tryTls && conn.offers("STARTTLS")) {
                ClientReply ready = conn.command("STARTTLS", settings.commandTimeout(), "sending STARTTLS");
                if (ready.code() == 220) {
                    try {
                        conn.startTls(sslContext, settings.commandTimeout());
                    } catch (RelayIoException e) {
                        LOG.info("{}; retrying {} without TLS", e.reply(), conn.host());
                        return open(address, false);
                    }
                    hello(conn);
                } else if (ready.code() == 421) {
                    conn.abort();
                    throw new RelayIoException(ready.toRemote());
                }
            }
            (conn.isTls() ? withTls : inClear).increment();
            return conn;
        } catch (RelayIoException e) {
            conn.abort();
            throw e;
        }
    }

    /** Counts new connections in {@code smtp_tls_connections_total{direction="outbound",tls}} of this registry. */
    public SmtpRelayClient countInto(MeterRegistry registry) {
        withTls = SharedMeters.tlsConnections(registry, "outbound", true);
        inClear = SharedMeters.tlsConnections(registry, "outbound", false);
        return this;
    }

    private void hello(SmtpConnection conn) throws RelayIoException {
        ClientReply ehlo = conn.command("EHLO " + settings.heloName(), settings.commandTimeout(), "sending EHLO");
        if (ehlo.isPositive()) {
            conn.extensions(ehlo);
            return;
        }
        if (ehlo.code() / 100 == 5 && ehlo.code() != 554) {
            // RFC 5321 3.2: an old server; HELO offers no extensions.
            ClientReply helo = conn.command("HELO " + settings.heloName(), settings.commandTimeout(), "sending HELO");
            if (helo.isPositive()) {
                conn.extensions(new ClientReply(helo.code(), List.of(helo.lines().get(0))));
                return;
            }
            ehlo = helo;
        }
        conn.quitAndClose();
        throw new RelayIoException(ehlo.code() / 100 == 4 ? ehlo.toRemote()
                : RelayReplies.refusedGreeting(conn.host(), ehlo));
    }

    /** After a transaction: RSET and keep the connection for the next one, or QUIT. */
    private void finish(SmtpConnection conn) {
        if (!conn.reusable()) {
            conn.abort();
            return;
        }
        if (settings.poolSize() == 0 || closed) {
            conn.quitAndClose();
            return;
        }
        try {
            ClientReply rset = conn.command("RSET", settings.commandTimeout(), "sending RSET");
            if (!rset.isPositive()) {
                conn.quitAndClose();
                return;
            }
        } catch (RelayIoException e) {
            return; // already closed
        }
        conn.idleNow(System.nanoTime());
        synchronized (idle) {
            Deque<SmtpConnection> list = idle.computeIfAbsent(conn.address(), a -> new ArrayDeque<>());
            if (list.size() < settings.poolSize() && !closed) {
                list.push(conn);
                return;
            }
        }
        conn.quitAndClose();
    }

    /** The most recently used idle connection to the address that is still open, or null. */
    private SmtpConnection take(InetSocketAddress address) {
        synchronized (idle) {
            Deque<SmtpConnection> list = idle.get(address);
            while (list != null && !list.isEmpty()) {
                SmtpConnection conn = list.pop();
                if (conn.isOpen()) {
                    return conn;
                }
                conn.abort();
            }
        }
        return null;
    }

    private void closeExpired() {
        long limit = System.nanoTime() - settings.idleTime().toNanos();
        synchronized (idle) {
            for (Deque<SmtpConnection> list : idle.values()) {
                // Oldest at the tail: the pool hands out the newest, so old ones age out.
                while (!list.isEmpty() && (list.peekLast().idleSince() < limit || !list.peekLast().isOpen())) {
                    list.pollLast().quitAndClose();
                }
            }
            idle.values().removeIf(Deque::isEmpty);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        synchronized (idle) {
            idle.values().forEach(list -> list.forEach(SmtpConnection::quitAndClose));
            idle.clear();
        }
        // Let QUIT go out and its reply come back before the event loops stop.
        group.shutdownGracefully(200, 2000, TimeUnit.MILLISECONDS).awaitUninterruptibly(5000);
    }
}
