package io.mailgateway.smtp;

import io.mailgateway.auth.Authenticator;
import io.mailgateway.auth.SenderPolicy;
import io.mailgateway.policy.PolicyChain;
import io.mailgateway.policy.limits.CidrSet;
import io.mailgateway.policy.limits.ConnectionPolicy;
import io.mailgateway.smtp.tls.ServerTls;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An SMTP listener on Netty. Each connection gets its own pipeline:
 * <ol>
 *   <li>behind HAProxy (PROXY_PROTOCOL): the PROXY header decoder and the {@link ProxyGate}, which
 *       closes peers that are no trusted proxy and counts the connection in MAX_CONNECTIONS
 *       while its header is awaited;</li>
 *   <li>on the SMTPS port: the SslHandler;</li>
 *   <li>{@link SmtpFrameDecoder}: bytes to command lines or message content;</li>
 *   <li>{@link SmtpSessionHandler}: the SMTP state machine, which hands complete messages to the {@link MessageSink};
 *       at each phase it runs the {@link PolicyChain}: at connect, before the greeting, the
 *       {@link ConnectionPolicy} (connection caps, rate limit) and any other connect checks; its
 *       {@link InputTimer} answers a silent client 421 4.4.2 (IDLE_TIMEOUT, or CONNECTION_TIMEOUT
 *       within a transaction).</li>
 * </ol>
 */
public final class SmtpServer {

    private static final Logger LOG = LoggerFactory.getLogger(SmtpServer.class);

    /** Socket-level settings of the listener. */
    public record Socket(String bindAddress, int port, int ioThreads, int backlog, boolean tcpNoDelay, boolean keepAlive) {
    }

    /**
     * What a listener asks of its clients' connections.
     *
     * @param tls          the certificate, or null: no STARTTLS, no implicit TLS
     * @param implicitTls  TLS from the first byte (SMTPS, RFC 8314); otherwise STARTTLS is offered when tls is set
     * @param authRequired MAIL only after AUTH (submission, RFC 6409)
     * @param auth         checks AUTH credentials (offered under TLS); null: no AUTH
     */
    public record Security(ServerTls tls, boolean implicitTls, boolean authRequired, Auth auth) {
        public static final Security PLAIN = new Security(null, false, false, null);

        public Security {
            if (implicitTls && tls == null) {
                throw new IllegalArgumentException("implicit TLS needs a certificate");
            }
        }
    }

    private final SmtpServerSettings settings;
    private final Socket socket;
    private final MessageSink sink;
    private final ConnectionPolicy limits;
    private final PolicyChain policy;
    private final ConnectionTracker tracker = new ConnectionTracker();
    private final CommandDispatcher dispatcher = new CommandDispatcher();
    private final SmtpMetrics metrics;
    private Security security = Security.PLAIN;
    /** The peers allowed to send a PROXY header; null: no PROXY protocol. */
    private CidrSet trustedProxies;
    private ListenerOptions options = ListenerOptions.DEFAULTS;
    /** Tests only: NIO even where epoll is available, to check the NIO spelling of the options. */
    private boolean nioOnly;
    /** Password checks run here, never on an event loop: a hash costs tens of milliseconds on purpose. */
    private java.util.concurrent.ExecutorService authWorkers;
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    // volatile: the readiness check reads it from the status server's thread
    private volatile Channel serverChannel;

    /** A listener without connection limits, rate limits or greylisting. */
    public SmtpServer(SmtpServerSettings settings, Socket socket, MessageSink sink) {
        this(settings, socket, sink, new ConnectionPolicy(ConnectionPolicy.Limits.none()));
    }

    /** A listener with its connection limits only; it owns {@code limits}: started with it, closed when it stops. */
    public SmtpServer(SmtpServerSettings settings, Socket socket, MessageSink sink, ConnectionPolicy limits) {
        this(settings, socket, sink, limits, List.of());
    }

    /**
     * A listener that runs {@code limits} first, then {@code checks} (each a ConnectCheck, HeloCheck,
     * MailCheck or RcptCheck), at each SMTP phase; it owns {@code limits} (started and closed with it).
     */
    public SmtpServer(SmtpServerSettings settings, Socket socket, MessageSink sink, ConnectionPolicy limits, List<?> checks) {
        this(settings, socket, sink, limits, checks, SmtpMetrics.unregistered());
    }

    /** As above, counting connections, replies and errors in {@code metrics}. */
    public SmtpServer(SmtpServerSettings settings, Socket socket, MessageSink sink, ConnectionPolicy limits, List<?> checks,
                      SmtpMetrics metrics) {
        this.metrics = metrics;
        this.settings = settings;
        this.socket = socket;
        this.sink = sink;
        this.limits = limits;
        PolicyChain.Builder chain = PolicyChain.builder().add(limits);
        checks.forEach(chain::add);
        this.policy = chain.build();
    }

    /**
     * Before {@link #start}: every connection comes from one of {@code trustedProxies} and starts
     * with a PROXY protocol v1 or v2 header (HAProxy's send-proxy / send-proxy-v2) naming the real
     * client, and nothing else is accepted: a connection from elsewhere, or without a header, is
     * closed unanswered. Null: no PROXY protocol, the peer is the client.
     */
    public SmtpServer proxyProtocol(CidrSet trustedProxies) {
        this.trustedProxies = trustedProxies;
        return this;
    }

    /** Before {@link #start}: socket options, pipelining window and relaying of this listener. */
    public SmtpServer options(ListenerOptions options) {
        this.options = options;
        return this;
    }

    /** Tests only, before {@link #start}: the NIO transport even where epoll is available. */
    SmtpServer nioOnly() {
        this.nioOnly = true;
        return this;
    }

    /** Tests only: the accepted connections open now (to read their socket options back). */
    List<Channel> openSessions() {
        return List.copyOf(tracker.channels());
    }

    /** The users: their passwords (AUTH) and whose addresses they may send from (MAIL). */
    public record Auth(Authenticator authenticator, SenderPolicy senders) {
    }

    /** Before {@link #start}: TLS and AUTH requirements of this listener. */
    public SmtpServer security(Security security) {
        this.security = security;
        return this;
    }

    public void start() throws InterruptedException {
        boolean epoll = Epoll.isAvailable() && !nioOnly;
        boss = epoll ? new EpollEventLoopGroup(1) : new NioEventLoopGroup(1);
        workers = epoll ? new EpollEventLoopGroup(socket.ioThreads()) : new NioEventLoopGroup(socket.ioThreads());
        Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        ProxyGate.Listener proxies = trustedProxies == null ? null
                : new ProxyGate.Listener(trustedProxies, limits, metrics, security.implicitTls());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(boss, workers)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, socket.backlog())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, socket.tcpNoDelay())
                .childOption(ChannelOption.SO_KEEPALIVE, socket.keepAlive())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        tracker.add(ch);
                        SmtpFrameDecoder decoder = new SmtpFrameDecoder();
                        if (proxies != null) {
                            // first: the header comes before anything else, TLS included; removes itself after it
                            ch.pipeline().addLast("proxy", new HAProxyMessageDecoder()).addLast("proxy-gate", new ProxyGate(proxies));
                        }
                        if (security.implicitTls()) {
                            ch.pipeline().addLast("tls", security.tls().newHandler(ch.alloc(), false));
                        }
                        ch.pipeline()
                                .addLast("frames", decoder)
                                .addLast("session", new SmtpSessionHandler(settings, sink, decoder, dispatcher, tracker, policy, metrics, security,
                                        authWorkers, options));
                    }
                });
        options.tcp().applyTo(bootstrap, epoll);
        limits.start();
        if (security.auth() != null) {
            authWorkers = java.util.concurrent.Executors.newFixedThreadPool(4, r -> {
                Thread t = new Thread(r, "smtp-auth");
                t.setDaemon(true);
                return t;
            });
        }
        serverChannel = bootstrap.bind(new InetSocketAddress(socket.bindAddress(), socket.port())).sync().channel();
        LOG.info("SMTP listening on {} ({}{}{})", serverChannel.localAddress(), epoll ? "epoll" : "nio",
                security.implicitTls() ? ", implicit TLS" : security.tls() != null ? ", STARTTLS" : "",
                trustedProxies != null ? ", PROXY protocol only, from " + trustedProxies : "");
    }

    /** True while the listening socket is open (for the readiness check). */
    public boolean isBound() {
        Channel channel = serverChannel;
        return channel != null && channel.isActive();
    }

    /** The bound address and port. */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** The bound port, useful when started on port 0. */
    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /**
     * Tells idle sessions, and any client connecting meanwhile, 421 (RFC 5321 3.8); waits up to
     * {@code grace} for messages being made durable to get their reply; then stops listening
     * and closes what is left.
     */
    public void stop(Duration grace) {
        if (serverChannel == null) {
            return;
        }
        var sessions = tracker.beginShutdown();
        sessions.forEach(ch -> {
            SmtpSessionHandler handler = ch.pipeline().get(SmtpSessionHandler.class);
            if (handler != null) {
                handler.shutdown();
            }
        });
        long deadline = System.nanoTime() + grace.toNanos();
        while (!sessions.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        serverChannel.close().awaitUninterruptibly();
        sessions.close().awaitUninterruptibly();
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        serverChannel = null;
        limits.close();
        if (authWorkers != null) {
            authWorkers.shutdownNow();
        }
        LOG.info("SMTP listener stopped");
    }
}
