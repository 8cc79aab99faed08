package io.mailgateway.smtp;

import io.mailgateway.policy.limits.CidrSet;
import io.mailgateway.policy.limits.ConnectionPolicy;
import io.mailgateway.policy.limits.LimitReplies;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On a listener behind HAProxy (PROXY_PROTOCOL), as a connection is accepted, before its PROXY
 * header is read:
 * <ul>
 *   <li>a peer outside PROXY_TRUSTED_NETWORKS is closed at once: the header names the client
 *       for the limits, whitelisting, greylisting and SPF, so only the proxy may send one;</li>
 *   <li>the connection takes its place in MAX_CONNECTIONS now ({@link ConnectionPolicy#reserve}):
 *       the header may take seconds, and counted only once it came, any number of silent
 *       sockets were held. Over the cap: 421 4.7.0, or on the SMTPS port a close (a reply there
 *       would wait for a TLS handshake). The place is given back when the header passes on to
 *       the session, whose connect checks count the connection with its client.</li>
 * </ul>
 * One per connection; {@link Listener} is what the connections of a listener share.
 */
final class ProxyGate extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyGate.class);
    private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    /** The trusted proxies, the caps, and when an untrusted peer may be logged next (at most once a minute: a scan would flood the log). */
    record Listener(CidrSet trusted, ConnectionPolicy limits, SmtpMetrics metrics, boolean implicitTls, AtomicLong nextWarning) {
        Listener(CidrSet trusted, ConnectionPolicy limits, SmtpMetrics metrics, boolean implicitTls) {
            this(trusted, limits, metrics, implicitTls, new AtomicLong(System.nanoTime()));
        }

        void untrusted(InetAddress peer) {
            metrics.refusedAtAccept(true);
            long now = System.nanoTime();
            long next = nextWarning.get();
            if (now - next >= 0 && nextWarning.compareAndSet(next, now + WARN_EVERY_NANOS)) {
                LOG.warn("connection from {} closed: PROXY_PROTOCOL is on and it is not in PROXY_TRUSTED_NETWORKS ({}); "
                        + "others are counted in smtp_connections_rejected_total{reason=\"untrusted_proxy\"}, logged once a minute", peer, trusted);
            }
        }
    }

    private final Listener listener;
    private boolean reserved;
    /** Closing without a session: what was read meanwhile goes nowhere. */
    private boolean refused;

    ProxyGate(Listener listener) {
        this.listener = listener;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        InetAddress peer = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
        refused = true;
        ctx.channel().config().setAutoRead(false);
        if (!listener.trusted().contains(peer)) {
            listener.untrusted(peer);
            ctx.close();
        } else if (!listener.limits().reserve()) {
            listener.metrics().refusedAtAccept(false);
            if (listener.implicitTls()) {
                ctx.close();
            } else {
                // RFC 5321 3.1: 421 instead of the greeting; HAProxy passes it to the client
                listener.metrics().responded(LimitReplies.TOO_MANY_CONNECTIONS);
                ctx.writeAndFlush(ReplyEncoder.encode(ctx.alloc(), LimitReplies.TOO_MANY_CONNECTIONS)).addListener(ChannelFutureListener.CLOSE);
            }
        } else {
            refused = false;
            reserved = true;
            ctx.channel().config().setAutoRead(true);
            ctx.fireChannelActive();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HAProxyMessage) {
            release(); // the session counts it with its client next (PolicyChain.connect)
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        release();
        ctx.fireChannelInactive();
    }

    private void release() {
        if (reserved) {
            reserved = false;
            listener.limits().unreserve();
        }
    }
}
