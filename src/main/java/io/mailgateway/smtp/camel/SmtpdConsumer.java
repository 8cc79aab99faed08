package io.mailgateway.smtp.camel;

import io.mailgateway.broker.AcceptedComponent;
import io.mailgateway.message.Envelope;
import io.mailgateway.message.EnvelopeCodec;
import io.mailgateway.message.MailHeaders;
import io.mailgateway.message.MessageContent;
import io.mailgateway.policy.camel.PolicyDecision;
import io.mailgateway.policy.limits.DiskSpaceGuard;
import io.mailgateway.policy.limits.LimitReplies;
import io.mailgateway.reply.SmtpReply;
import io.mailgateway.smtp.MessageSink;
import io.mailgateway.smtp.ReceivedMessage;
import io.mailgateway.smtp.SmtpMetrics;
import io.mailgateway.smtp.SmtpReplies;
import io.mailgateway.smtp.SmtpServer;
import io.mailgateway.smtp.tls.ServerTls;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an {@link SmtpServer} and turns each complete message into one Exchange of the route:
 * body = {@link MessageContent}, headers = {@link MailHeaders}. The client's reply is decided
 * by how the route ends: a refusal left by the decision step ({@link PolicyDecision#REFUSAL}, the
 * route stopped before the broker write) is answered with the verdict's reply (e.g. 550 5.7.1
 * for a DMARC reject); otherwise 250 with the queue ID only when the route's accepted: step
 * confirmed the durable write ({@link AcceptedComponent#DURABLE}); any exception, or a route that
 * ended without that write, means 451 4.3.0 and the client keeps the message.
 * Routes run on a pool of their own (BROKER_WRITE_CONCURRENCY threads), never on a Netty worker
 * event loop (WORKER_THREADS), so many blocking durable sends are in flight together and share
 * journal syncs while the event loops go on reading other sessions.
 */
public class SmtpdConsumer extends DefaultConsumer implements MessageSink {

    private static final Logger LOG = LoggerFactory.getLogger(SmtpdConsumer.class);

    private final SmtpdEndpoint endpoint;
    // volatile: the readiness check (isListening) reads them from the status server's thread
    private volatile SmtpServer server;
    private volatile SmtpServer submission;
    private volatile SmtpServer smtps;
    private ExecutorService workers;
    private SmtpMetrics metrics;
    /** The "diskSpaceGuard" bean, or null: asked again at the end of DATA, before the broker write. */
    private DiskSpaceGuard diskGuard;

    SmtpdConsumer(SmtpdEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.endpoint = endpoint;
    }

    /** The bound port (useful when configured with port 0). */
    public int getLocalPort() {
        return server.port();
    }

    /** The bound submission port, or -1 when off. */
    public int getSubmissionPort() {
        return submission == null ? -1 : submission.port();
    }

    /** The bound SMTPS port, or -1 when off. */
    public int getSmtpsPort() {
        return smtps == null ? -1 : smtps.port();
    }

    /**
     * True while the MX socket and each opened submission/SMTPS socket are bound (the readiness
     * check {@link SmtpListenerHealthCheck}).
     */
    public boolean isListening() {
        SmtpServer mx = server;
        SmtpServer sub = submission;
        SmtpServer tls = smtps;
        return mx != null && mx.isBound() && (sub == null || sub.isBound()) && (tls == null || tls.isBound());
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        // An unbounded queue, never the caller: Camel's default profile (a queue of 1,000, then
        // CallerRuns) ran the route, its DNS waits and its blocking journal write on the Netty
        // event loop that handed the message over, freezing every session of that loop. The queue
        // is bounded anyway: a session hands over one message and waits for its reply, so it
        // never holds more than the listeners' MAX_CONNECTIONS.
        workers = routePool(getEndpoint().getCamelContext(), this, endpoint.getBrokerWriteConcurrency());
        metrics = endpoint.metrics();
        ServerTls tls = endpoint.serverTls();
        SmtpServer.Auth auth = endpoint.auth();
        List<Object> checks = new java.util.ArrayList<>();
        // Always first after the limits: a nearly full DATA_DIR refuses new mail (452 4.3.1).
        diskGuard = getEndpoint().getCamelContext().getRegistry().lookupByName("diskSpaceGuard") instanceof DiskSpaceGuard guard
                ? guard : null;
        if (diskGuard != null) {
            checks.add(diskGuard);
        }
        checks.addAll(endpoint.sessionChecks());
        server = new SmtpServer(endpoint.serverSettings(), endpoint.socket(), this, endpoint.connectionPolicy(), checks, metrics)
                .security(new SmtpServer.Security(endpoint.isStartTls() ? tls : null, false, false, auth))
                .proxyProtocol(endpoint.trustedProxies()).options(endpoint.listenerOptions());
        server.start();
        io.mailgateway.smtp.OwnListeners own = getEndpoint().getCamelContext().getRegistry()
                .lookupByNameAndType("ownListeners", io.mailgateway.smtp.OwnListeners.class);
        if (own != null) {
            own.listening(server.localAddress()); // the relay never connects back to it
        }
        // RFC 6409: submission, STARTTLS then AUTH before MAIL
        if (endpoint.getSubmissionPort() >= 0) {
            if (tls == null) {
                LOG.warn("submission port {} without TLS (TLS_ENABLED=false): AUTH is never offered, so no client can submit",
                        endpoint.getSubmissionPort());
            }
            submission = new SmtpServer(endpoint.serverSettings(), endpoint.socket(endpoint.getSubmissionPort()), this,
                    endpoint.submissionPolicy(endpoint.getSubmissionPort()), checks, metrics)
                    .security(new SmtpServer.Security(tls, false, true, auth))
                    .proxyProtocol(endpoint.trustedProxies()).options(endpoint.listenerOptions());
            submission.start();
        }
        // RFC 8314: submission over implicit TLS
        if (endpoint.getSmtpsPort() >= 0) {
            if (tls == null) {
                LOG.info("SMTPS port {} not opened: TLS_ENABLED=false", endpoint.getSmtpsPort());
            } else {
                smtps = new SmtpServer(endpoint.serverSettings(), endpoint.socket(endpoint.getSmtpsPort()), this,
                        endpoint.submissionPolicy(endpoint.getSmtpsPort()), checks, metrics)
                        .security(new SmtpServer.Security(tls, true, true, auth))
                        .proxyProtocol(endpoint.trustedProxies()).options(endpoint.listenerOptions());
                smtps.start();
            }
        }
    }

    /**
     * BROKER_WRITE_CONCURRENCY threads for the inbound route, kept when idle as the fixed pool
     * before was; see doStart for the queue.
     */
    static ExecutorService routePool(org.apache.camel.CamelContext camel, Object owner, int threads) {
        return camel.getExecutorServiceManager().newThreadPool(owner, "smtpd-route",
                new org.apache.camel.builder.ThreadPoolProfileBuilder("smtpd-route").poolSize(threads).maxPoolSize(threads)
                        .allowCoreThreadTimeOut(false).maxQueueSize(Integer.MAX_VALUE)
                        .rejectedPolicy(org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy.Abort).build());
    }

    @Override
    protected void doStop() throws Exception {
        // all listeners stop taking connections together; then each waits for its messages in flight
        for (SmtpServer s : new SmtpServer[] {submission, smtps, server}) {
            if (s != null) {
                s.stop(Duration.ofSeconds(endpoint.getShutdownTimeout()));
            }
        }
        server = null;
        submission = null;
        smtps = null;
        if (workers != null) {
            getEndpoint().getCamelContext().getExecutorServiceManager().shutdownGraceful(workers);
            workers = null;
        }
        super.doStop();
    }

    @Override
    public CompletionStage<SmtpReply> accept(ReceivedMessage message) {
        long start = System.nanoTime();
        if (diskGuard != null && diskGuard.isFull()) {
            // It passed the guard at MAIL FROM, but the disk filled while it arrived: the broker
            // would block its write (max-disk-usage) and hang the session, or fail it on a full disk.
            if (LOG.isInfoEnabled()) {
                MessageLog.refused(LOG, message.queueId(), message.envelope(), message.content().size(), "none", 0,
                        LimitReplies.STORAGE_FULL, "DATA_DIR nearly full");
            }
            metrics.processed(SmtpMetrics.Result.REFUSED, System.nanoTime() - start, message.content().size());
            message.content().release();
            return CompletableFuture.completedFuture(LimitReplies.STORAGE_FULL);
        }
        CompletableFuture<SmtpReply> reply = new CompletableFuture<>();
        Exchange exchange = null;
        try {
            exchange = createExchange(false);
            fill(exchange.getIn(), message);
            Exchange routed = exchange;
            workers.execute(() -> getAsyncProcessor().process(routed, doneSync -> answer(routed, message, start, reply)));
        } catch (RuntimeException rejected) { // pool shut down
            message.content().release();
            if (exchange != null) {
                releaseExchange(exchange, false);
            }
            reply.complete(SmtpReplies.QUEUE_FAILED);
        }
        return reply;
    }

    /**
     * Completes {@code reply} with the route's outcome, whatever else fails here: a reply never
     * completed left the session waiting (input paused, its timers deferring to the pending
     * reply) until the client gave up, and it then sent the message again.
     */
    private void answer(Exchange exchange, ReceivedMessage message, long start, CompletableFuture<SmtpReply> reply) {
        SmtpReply answer = SmtpReplies.QUEUE_FAILED;
        try {
            answer = outcome(exchange, message, start);
            metrics.processed(answer.isPositive() ? SmtpMetrics.Result.ACCEPTED
                    : answer == SmtpReplies.QUEUE_FAILED ? SmtpMetrics.Result.FAILED : SmtpMetrics.Result.REFUSED,
                    System.nanoTime() - start, message.content().size());
        } catch (RuntimeException | Error e) {
            LOG.warn("message {}: after its route: {}", message.queueId(), e.toString());
        } finally {
            message.content().release();
            releaseExchange(exchange, false);
            reply.complete(answer);
        }
    }

    private static void fill(Message in, ReceivedMessage m) {
        in.setBody(m.content());
        in.setHeader(MailHeaders.QUEUE_ID, m.queueId());
        EnvelopeCodec.write(in, m.envelope());
        in.setHeader(MailHeaders.PROTOCOL, m.protocol());
        in.setHeader(MailHeaders.RECEIVED_AT, m.receivedAt());
        in.setHeader(MailHeaders.SIZE, m.content().size());
    }

    private static SmtpReply outcome(Exchange exchange, ReceivedMessage m, long start) {
        String queueId = m.queueId();
        Envelope envelope = m.envelope();
        Exception failure = exchange.getException();
        SmtpReply refusal = exchange.getProperty(PolicyDecision.REFUSAL, SmtpReply.class);
        if ((failure != null || refusal != null) && Boolean.TRUE.equals(exchange.getProperty(AcceptedComponent.DURABLE, Boolean.class))) {
            // A step after the broker write failed or refused: the message is queued all the same
            // and will be stored and delivered. A 4xx would have the client send it again (a
            // duplicate at every retry), a 5xx would bounce mail we keep: the write is the verdict.
            LOG.error("{}: route {} failed or refused after its broker write (steps after to: accepted:mail.accepted run"
                    + " too late to refuse); the message is queued, so the client gets 250: {}", queueId, exchange.getFromRouteId(),
                    failure != null ? failure.toString() : refusal.toString());
            failure = null;
            refusal = null;
        }
        if (failure == null && refusal != null) {
            // the decision step refused it (DMARC reject, DNS tempfail, ...) and stopped the route
            // before the broker write: the verdict's own reply, nothing was stored
            if (LOG.isInfoEnabled()) {
                MessageLog.refused(LOG, queueId, envelope, m.content().size(), PolicyDecision.results(exchange), millisSince(start),
                        refusal, exchange.getProperty(PolicyDecision.REFUSAL_REASON, String.class));
            }
            return refusal;
        }
        if (failure == null && !Boolean.TRUE.equals(exchange.getProperty(AcceptedComponent.DURABLE, Boolean.class))) {
            // The 250 is a promise: without the broker's confirmation there is none to give.
            LOG.error("{}: route {} ended without its broker write (to: accepted:mail.accepted); not accepted, client told to retry",
                    queueId, exchange.getFromRouteId());
            return SmtpReplies.QUEUE_FAILED;
        }
        if (failure == null) {
            if (LOG.isInfoEnabled()) {
                MessageLog.accepted(LOG, queueId, envelope, m.content().size(), PolicyDecision.results(exchange), millisSince(start),
                        exchange.getIn().getHeader(MailHeaders.QUARANTINE) != null);
            }
            return SmtpReplies.QUEUED.withText("Ok: queued as " + queueId);
        }
        LOG.warn("{}: not accepted, client told to retry: {}", queueId, failure.toString());
        return SmtpReplies.QUEUE_FAILED;
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
