package io.mailgateway.smtp;

import io.mailgateway.auth.AuthOutcome;
import io.mailgateway.auth.AuthReplies;
import io.mailgateway.message.Client;
import io.mailgateway.metrics.SharedMeters.ErrorKind;
import io.mailgateway.message.Envelope;
import io.mailgateway.message.MessageContent;
import io.mailgateway.message.QueueIds;
import io.mailgateway.policy.Connection;
import io.mailgateway.policy.PolicyChain;
import io.mailgateway.policy.Verdict;
import io.mailgateway.reply.SmtpReply;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.VoidChannelPromise;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One per connection: greets, feeds command lines to the {@link CommandDispatcher}, switches the
 * {@link SmtpFrameDecoder} into DATA or BDAT mode, and at end of content hands the message to
 * the {@link MessageSink}, pausing input until the sink's reply is sent (so pipelined commands
 * after DATA are answered in order, and nothing piles up in memory meanwhile).
 */
final class SmtpSessionHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(SmtpSessionHandler.class);
    private static final Duration MAX_CLOSE_GRACE = Duration.ofSeconds(30);
    private static final long PROXY_HEADER_TIMEOUT_SECONDS = 10;

    private final SmtpServerSettings settings;
    private final MessageSink sink;
    private final SmtpFrameDecoder decoder;
    private final CommandDispatcher dispatcher;
    private final ConnectionTracker tracker;
    private final PolicyChain policy;
    private final SmtpMetrics metrics;
    private final SmtpServer.Security security;
    private final java.util.concurrent.Executor authWorkers;
    private final ListenerOptions options;

    private ChannelHandlerContext ctx;
    /** The promise of every reply write nobody waits on (made once per session, see {@link #write}). */
    private ChannelPromise unwatched;
    private SmtpSession session;
    private boolean greeted;
    private boolean closing;
    private boolean awaitingSink;
    /** The message's spool file lags behind the input (MessageBuffer): reading waits for it. */
    private boolean spoolBacklogged;
    private boolean counted;
    private ScheduledFuture<?> sessionTimer;
    private InputTimer inputTimer;
    /** SESSION_MAX_LIFETIME passed while the client waited on us: ended after that reply. */
    private boolean lifetimeOver;
    /** Commands answered since our replies were last flushed (the RFC 2920 window). */
    private int unflushedCommands;
    /** Input paused because a burst filled the window, until its replies are written. */
    private boolean windowFull;

    SmtpSessionHandler(SmtpServerSettings settings, MessageSink sink, SmtpFrameDecoder decoder,
                       CommandDispatcher dispatcher, ConnectionTracker tracker, PolicyChain policy, SmtpMetrics metrics,
                       SmtpServer.Security security, java.util.concurrent.Executor authWorkers, ListenerOptions options) {
        this.options = options;
        this.security = security;
        this.authWorkers = authWorkers;
        this.settings = settings;
        this.metrics = metrics;
        this.policy = policy;
        this.sink = sink;
        this.decoder = decoder;
        this.dispatcher = dispatcher;
        this.tracker = tracker;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        metrics.connectionOpened();
        counted = true;
        if (ctx.pipeline().get(HAProxyMessageDecoder.class) == null) {
            begin((InetSocketAddress) ctx.channel().remoteAddress());
        } else {
            // the session begins with the PROXY header, which names the client (channelRead);
            // HAProxy sends it at once, so a connection still silent after a few seconds is no proxy's
            ctx.executor().schedule(() -> {
                if (session == null && ctx.channel().isActive()) {
                    metrics.refusedWithoutProxyHeader();
                    closing = true;
                    ctx.close();
                }
            }, PROXY_HEADER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        ctx.fireChannelActive();
    }

    /**
     * The PROXY protocol header (HAProxy): the real client's address replaces the proxy's, for
     * the limits, the checks, the logs and Received. A LOCAL header (HAProxy's own health check)
     * keeps the proxy's address.
     */
    private void onProxyHeader(HAProxyMessage header) {
        InetSocketAddress client = (InetSocketAddress) ctx.channel().remoteAddress();
        if (header.command() == HAProxyCommand.PROXY && header.sourceAddress() != null
                && (header.proxiedProtocol() == HAProxyProxiedProtocol.TCP4 || header.proxiedProtocol() == HAProxyProxiedProtocol.TCP6)) {
            client = new InetSocketAddress(NetUtil.createInetAddressFromIpAddressString(header.sourceAddress()), header.sourcePort());
        }
        begin(client);
    }

    private void begin(InetSocketAddress remote) {
        String client = remote == null ? "unknown" : remote.getAddress().getHostAddress();
        session = new SmtpSession(settings, client, policy, () -> new MessageBuffer(ctx.alloc(),
                settings.spoolDir(), settings.spoolThreshold(), settings.maxMessageSize(), ctx.executor(), this::spoolBacklogged));
        // SESSION_MAX_LIFETIME: however busy; CONNECTION_TIMEOUT and IDLE_TIMEOUT: how long silent (InputTimer)
        sessionTimer = ctx.executor().schedule(() -> timeout(SmtpReplies.SESSION_TIMEOUT),
                settings.sessionMaxLifetime().toMillis(), TimeUnit.MILLISECONDS);
        inputTimer = new InputTimer(ctx.executor(), settings.idleTimeout(), settings.transactionTimeout(),
                this::transactionInProgress, () -> awaitingSink, this::timeout);
        inputTimer.start();
        session.connection = Connection.from(remote == null ? null : remote.getAddress());
        session.tlsOffered = security.tls() != null && !security.implicitTls();
        session.authRequired = security.authRequired();
        session.auth = security.auth();
        session.relayQueue = options.relayQueue();
        SslHandler implicit = ctx.pipeline().get(SslHandler.class);
        if (implicit != null) {
            // SMTPS: the greeting below waits in the SslHandler until the handshake is done
            implicit.handshakeFuture().addListener(f -> {
                if (f.isSuccess()) {
                    session.startedTls(describe(implicit));
                } else if (!closing) {
                    metrics.error(ErrorKind.TLS);
                }
            });
        }
        Verdict verdict = policy.connect(session.connection);
        session.admitted = !verdict.refuses();
        if (tracker.isStopping()) {
            metrics.refusedShuttingDown();
            refuse(SmtpReplies.SHUTTING_DOWN);
        } else if (verdict.refuses()) {
            // DEBUG: a flood would otherwise write a log line per refused connection; the checks count them.
            LOG.debug("connection from {} refused: {}", client, verdict.reason());
            refuse(verdict.reply().thenClose());
        } else if (settings.greetingDelay().isZero()) {
            greet();
        } else {
            // RFC 5321 4.3.1 allows a pause before the greeting; clients that talk first are not SMTP clients.
            ctx.executor().schedule(this::greet, settings.greetingDelay().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Before the greeting: RFC 5321 3.1 lets a server answer 421 (or 554) instead of 220 and close.
     * On the SMTPS port that reply could only follow a TLS handshake: the refused connection would
     * stay open, uncounted, until the client completed one or the handshake timed out, and a client
     * that completes it costs us the handshake. There it is closed at once, unanswered.
     */
    private void refuse(SmtpReply reply) {
        if (security.implicitTls()) {
            closing = true;
            ctx.close();
        } else {
            send(reply);
        }
    }

    private void greet() {
        if (closing || !ctx.channel().isActive()) {
            return;
        }
        greeted = true;
        SmtpReply greeting = new SmtpReply(220, null, List.of(settings.hostname() + " ESMTP mail-gateway"), false);
        metrics.responded(greeting);
        ctx.writeAndFlush(Unpooled.wrappedBuffer(greeting.toBytes()));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (closing) {
                return;
            }
            if (msg instanceof HAProxyMessage header) {
                onProxyHeader(header);
                return;
            }
            if (inputTimer != null) {
                inputTimer.touch();
            }
            if (!greeted) {
                LOG.info("early talker {} refused", session.clientAddress);
                send(SmtpReplies.EARLY_TALKER);
                return;
            }
            if (msg instanceof SmtpFrame.CommandLine line) {
                onCommand(line);
            } else if (msg instanceof SmtpFrame.Content content) {
                onContent(content);
            }
        } finally {
            ReferenceCountUtil.release(msg instanceof SmtpFrame.Content c ? c.bytes() : msg);
        }
    }

    private void onCommand(SmtpFrame.CommandLine line) {
        SmtpReply reply;
        if (session.sasl != null) {
            // RFC 4954 4: inside an AUTH exchange a line is the client's response, not a command
            if (line.problem() == SmtpFrame.Problem.NONE) {
                reply = AuthCommand.next(session, line.text());
            } else {
                session.sasl = null;
                session.loginUser = null;
                reply = line.problem() == SmtpFrame.Problem.TOO_LONG ? AuthReplies.LINE_TOO_LONG : AuthReplies.CANNOT_DECODE;
            }
        } else {
            reply = switch (line.problem()) {
                case TOO_LONG -> SmtpReplies.LINE_TOO_LONG;
                case NUL -> SmtpReplies.NUL_IN_COMMAND;
                case NONE -> dispatcher.dispatch(session, line.text());
            };
        }
        decoder.expectSaslResponse(session.sasl != null);
        if (session.startTlsPending) {
            startTls(reply);
            return;
        }
        if (session.pendingAuth != null) {
            authenticate();
            return;
        }
        if (reply != null) {
            reply(reply);
        }
        switch (session.receiving) {
            case DATA -> decoder.expectData();
            case CHUNK -> {
                if (session.chunkSize == 0) {
                    chunkComplete();
                } else {
                    decoder.expectChunk(session.chunkSize);
                }
            }
            case COMMANDS -> { }
        }
        countInWindow();
    }

    /**
     * RFC 2920 lets a client send commands ahead of our replies. We answer each as it is decoded
     * and flush when the client's burst has been read (channelReadComplete), so a deep burst
     * would be parsed in one go: every reply held unflushed, the event loop kept from the other
     * sessions on it. At PIPELINE_MAX_COMMANDS we therefore stop reading, flush, and read on only
     * once those replies are written: backpressure, as TCP itself does. Refusing the excess
     * (421/503) would break honest clients: RFC 2920 3.2 forbids losing input, and a legitimate
     * transaction (MAIL, SMTP_MAX_RECIPIENTS RCPTs, DATA) may be deeper than the window. Postfix's
     * smtpd does the same in effect: it answers as it reads and flushes when its input is drained
     * or its output buffer is full. A client that never reads its replies is stopped by the write
     * buffer (channelReadComplete below), as before.
     */
    private void countInWindow() {
        if (++unflushedCommands < options.pipelineMaxCommands() || windowFull || closing || awaitingSink) {
            return;
        }
        windowFull = true;
        metrics.pipelineThrottled();
        decoder.pause();
        ctx.channel().config().setAutoRead(false);
        // completes once every reply before it is written to the socket
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> ctx.executor().execute(this::windowWritten));
    }

    /** The window's replies are out: read on (on a later event loop turn, so other sessions run first). */
    private void windowWritten() {
        windowFull = false;
        unflushedCommands = 0;
        if (closing || awaitingSink || !ctx.channel().isActive()) {
            return;
        }
        ctx.channel().config().setAutoRead(mayRead());
        decoder.resume(); // may fill the window again
        ctx.flush();
        if (!windowFull) {
            unflushedCommands = 0; // what it decoded is answered and flushed
        }
    }

    private void onContent(SmtpFrame.Content content) {
        MailTransaction tx = session.transaction;
        if (session.chunkError == null && tx != null && tx.buffer != null) {
            tx.buffer.append(content.bytes().retain()); // append releases its reference
        }
        if (!content.end()) {
            return;
        }
        if (session.receiving == SmtpSession.Receiving.DATA) {
            endOfMessage();
        } else {
            chunkComplete();
        }
    }

    /**
     * RFC 3207: after "220 Ready to start TLS" the next bytes are the client's TLS handshake.
     * Whatever it sent after STARTTLS in clear is dropped unread (RFC 3207 5: a man in the middle
     * could have put commands there); the SslHandler goes first in the pipeline and lets exactly
     * one write, this reply, pass in clear. After the handshake the session starts over.
     */
    private void startTls(SmtpReply ready) {
        session.startTlsPending = false;
        decoder.discardBuffered();
        SslHandler ssl = security.tls().newHandler(ctx.alloc(), true);
        ctx.pipeline().addFirst("tls", ssl);
        metrics.responded(ready);
        ctx.writeAndFlush(Unpooled.wrappedBuffer(ready.toBytes()));
        ssl.handshakeFuture().addListener(f -> {
            if (f.isSuccess()) {
                session.startedTls(describe(ssl));
            } else {
                LOG.debug("TLS handshake with {} failed: {}", session.clientAddress, f.cause().toString());
                metrics.error(ErrorKind.TLS);
            }
        });
    }

    /**
     * Checks the credentials AUTH collected on a worker thread, holding further input meanwhile
     * (as for a message being made durable); after a failure the limiter's delay passes before
     * the reply, so guessing is slow (and a flood of failures costs the client, not us).
     */
    private void authenticate() {
        AuthCommand.Request request = session.pendingAuth;
        session.pendingAuth = null;
        awaitingSink = true;
        decoder.pause();
        ctx.channel().config().setAutoRead(false);
        java.net.InetAddress client = session.connection.address();
        authWorkers.execute(() -> {
            AuthOutcome outcome;
            try {
                outcome = security.auth().authenticator().authenticate(request.mechanism(), request.username(),
                        request.password(), client);
            } catch (RuntimeException e) {
                LOG.warn("AUTH from {} could not be checked: {}", session.clientAddress, e.toString());
                outcome = new AuthOutcome(AuthOutcome.Kind.TEMPORARY_FAILURE, null, java.time.Duration.ZERO, java.time.Duration.ZERO);
            }
            AuthOutcome done = outcome;
            ctx.executor().schedule(() -> authenticated(done), done.delay().toMillis(), TimeUnit.MILLISECONDS);
        });
    }

    private void authenticated(AuthOutcome outcome) {
        awaitingSink = false;
        inputTimer.touch();
        if (closing || !ctx.channel().isActive()) {
            return;
        }
        if (outcome.isSuccess()) {
            session.user = outcome.user();
            session.authUser = outcome.user().address();
            session.connection = session.connection.withAuthUser(session.authUser);
        }
        if (outcome.reply().closesConnection()) {
            send(outcome.reply()); // blocked: 421 4.7.0 and close
            return;
        }
        reply(outcome.reply());
        if (endIfLifetimeOver()) {
            return;
        }
        ctx.channel().config().setAutoRead(mayRead());
        decoder.resume();
        ctx.flush();
    }

    /** "TLSv1.3 TLS_AES_128_GCM_SHA256": for Received and the stores. */
    private static String describe(SslHandler ssl) {
        javax.net.ssl.SSLSession s = ssl.engine().getSession();
        return s.getProtocol() + " " + s.getCipherSuite();
    }

    private void chunkComplete() {
        session.receiving = SmtpSession.Receiving.COMMANDS;
        if (session.chunkError != null) {
            SmtpReply error = session.chunkError;
            session.chunkError = null;
            reply(error);
        } else if (session.transaction.buffer.isOversize()) {
            session.resetTransaction();
            reply(SmtpReplies.MESSAGE_TOO_BIG);
        } else if (session.chunkLast) {
            endOfMessage();
        } else {
            reply(SmtpReplies.CHUNK_RECEIVED.withText(session.chunkSize + " octets received"));
        }
    }

    private void endOfMessage() {
        MailTransaction tx = session.transaction;
        session.receiving = SmtpSession.Receiving.COMMANDS;
        if (tx.buffer.isOversize()) {
            session.resetTransaction();
            reply(SmtpReplies.MESSAGE_TOO_BIG);
            return;
        }
        // the content is complete once the spool writer has written all of it
        java.util.concurrent.CompletableFuture<MessageContent> content = tx.buffer.finish();
        tx.buffer = null;
        Envelope envelope = new Envelope(tx.sender, tx.senderParameters, tx.recipients,
                new Client(session.clientAddress, session.helo, session.tls, session.authUser));
        String queueId = QueueIds.next();
        String protocol = session.protocol();
        long receivedAt = System.currentTimeMillis();
        session.resetTransaction();
        // Hold further input until the sink answers: the reply to this message comes first.
        awaitingSink = true;
        decoder.pause();
        ctx.channel().config().setAutoRead(false);
        content.thenComposeAsync(bytes -> sink.accept(new ReceivedMessage(queueId, envelope, protocol, receivedAt, bytes)),
                ctx.executor()).whenComplete((reply, failure) -> ctx.executor().execute(() -> {
            awaitingSink = false;
            inputTimer.touch(); // the client waited on us; its silence counts from our reply
            SmtpReply outcome = failure != null ? SmtpReplies.QUEUE_FAILED : reply;
            if (failure != null) {
                LOG.warn("message {} not accepted: {}", queueId, failure.toString());
            }
            if (outcome == SmtpReplies.QUEUE_FAILED) {
                metrics.error(ErrorKind.QUEUE_WRITE);
            }
            if (closing || !ctx.channel().isActive()) {
                return;
            }
            write(outcome);
            if (tracker.isStopping()) {
                send(SmtpReplies.SHUTTING_DOWN);
                return;
            }
            if (endIfLifetimeOver()) {
                return;
            }
            ctx.channel().config().setAutoRead(mayRead());
            decoder.resume();
            ctx.flush();
        }));
    }

    /**
     * Replies to a command and counts permanent errors (RFC 5321 leaves the limit to us). A 452
     * for too many recipients is not one: the client is meant to send those in a later
     * transaction (RFC 5321 4.5.3.1.10), so it must not lose the session for it.
     */
    private void reply(SmtpReply reply) {
        if (reply.code() >= 500 && reply.code() <= 504) {
            metrics.error(ErrorKind.COMMAND);
        }
        if (reply.isPermanent()) {
            session.errors++;
            if (session.errors >= settings.maxErrors() && !reply.closesConnection()) {
                write(reply);
                metrics.error(ErrorKind.TOO_MANY_ERRORS);
                send(SmtpReplies.TOO_MANY_ERRORS);
                return;
            }
        }
        if (reply.closesConnection()) {
            send(reply);
        } else {
            write(reply);
        }
    }

    /**
     * Writes (without flushing) and counts a reply. Nobody waits on the write's outcome, so it
     * takes one void promise per session instead of a new promise per reply. As before, a failed
     * write is not reported: the read side sees the broken connection.
     */
    private void write(SmtpReply reply) {
        metrics.responded(reply);
        ctx.write(ReplyEncoder.encode(ctx.alloc(), reply), unwatched());
    }

    private ChannelPromise unwatched() {
        if (unwatched == null) {
            unwatched = new VoidChannelPromise(ctx.channel(), false);
        }
        return unwatched;
    }

    /**
     * Sends a reply and, if it says so, closes after it is written, or after {@link #closeGrace}
     * if the write cannot finish: a client that never reads (a zero receive window) kept the
     * write, and so its connection slot, forever, since once closing no timer ends a session.
     */
    private void send(SmtpReply reply) {
        metrics.responded(reply);
        if (reply.closesConnection()) {
            closing = true;
            decoder.pause();
            io.netty.channel.ChannelFuture written = ctx.writeAndFlush(ReplyEncoder.encode(ctx.alloc(), reply))
                    .addListener(ChannelFutureListener.CLOSE);
            if (!written.isDone()) { // usually it is: the socket took the reply at once
                ScheduledFuture<?> cutOff = ctx.executor().schedule(() -> {
                    LOG.debug("session {}: closing reply not taken in {}, closed", session.clientAddress, closeGrace());
                    ctx.close();
                }, closeGrace().toMillis(), TimeUnit.MILLISECONDS);
                ctx.channel().closeFuture().addListener(f -> cutOff.cancel(false));
            }
        } else {
            ctx.writeAndFlush(ReplyEncoder.encode(ctx.alloc(), reply), unwatched());
        }
    }

    /** How long a client has to take a reply after which we close: the idle timeout, at most 30 s. */
    private Duration closeGrace() {
        Duration idle = settings.idleTimeout();
        return idle.compareTo(MAX_CLOSE_GRACE) < 0 ? idle : MAX_CLOSE_GRACE;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
        if (!windowFull) {
            unflushedCommands = 0; // the burst is read and answered
        }
        if (!ctx.channel().isWritable()) {
            // A client that pipelines without reading our replies must not grow our memory.
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ctx.channel().config().setAutoRead(mayRead());
        ctx.fireChannelWritabilityChanged();
    }

    /** Input is read unless replies pile up, a reply is awaited, the session closes, a pipelined burst filled the window, or the spool lags. */
    private boolean mayRead() {
        return ctx.channel().isWritable() && !awaitingSink && !closing && !windowFull && !spoolBacklogged;
    }

    /** Called by the spool writer, on the event loop: bounded memory while the disk lags. */
    private void spoolBacklogged(boolean full) {
        spoolBacklogged = full;
        ctx.channel().config().setAutoRead(mayRead());
    }

    /**
     * RFC 5321 4.5.3.2: a command is in progress from MAIL to the end of the message (RCPT, DATA
     * or BDAT chunks still to come) and inside an AUTH exchange; the client then gets the
     * server timeout (CONNECTION_TIMEOUT), otherwise the idle timeout.
     */
    private boolean transactionInProgress() {
        return session.transaction != null || session.receiving != SmtpSession.Receiving.COMMANDS || session.sasl != null;
    }

    private void timeout(SmtpReply reply) {
        if (closing || !ctx.channel().isActive()) {
            return;
        }
        if (awaitingSink) {
            // the client is waiting for us, not idle; the sink's reply comes first, then the lifetime's end
            lifetimeOver |= reply == SmtpReplies.SESSION_TIMEOUT;
            return;
        }
        metrics.error(ErrorKind.TIMEOUT);
        send(reply);
    }

    /** After a reply the client waited for: a lifetime that ran out meanwhile ends the session now. */
    private boolean endIfLifetimeOver() {
        if (lifetimeOver) {
            timeout(SmtpReplies.SESSION_TIMEOUT);
        }
        return lifetimeOver;
    }

    /** Called on shutdown: tell the client to come back later (RFC 5321 3.8). */
    void shutdown() {
        ctx.executor().execute(() -> {
            if (!closing && ctx.channel().isActive() && !awaitingSink) {
                send(SmtpReplies.SHUTTING_DOWN);
            }
        });
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
        if (counted) {
            counted = false;
            metrics.connectionClosed();
        }
        if (sessionTimer != null) {
            sessionTimer.cancel(false);
        }
        if (inputTimer != null) {
            inputTimer.stop();
        }
        if (session != null) {
            if (greeted) {
                metrics.sessionEnded(session.tls != null);
            }
            session.resetTransaction();
            if (session.admitted) {
                session.admitted = false;
                policy.disconnect(session.connection);
            }
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (session == null) {
            // no session yet: a listener behind HAProxy got something else than a PROXY header
            LOG.debug("connection from {} closed: {}", ctx.channel().remoteAddress(), cause.toString());
            metrics.refusedWithoutProxyHeader();
            closing = true;
            ctx.close();
            return;
        }
        LOG.debug("session {} failed: {}", session.clientAddress, cause.toString());
        metrics.error(ErrorKind.SESSION);
        if (session != null) {
            session.resetTransaction();
        }
        if (!closing && ctx.channel().isActive()) {
            send(SmtpReplies.SESSION_FAILED); // any transaction is gone: 451 would suggest the session goes on
        } else {
            ctx.close();
        }
    }
}
