package io.mailgateway.delivery;

import io.mailgateway.message.Client;
import io.mailgateway.message.Envelope;
import io.mailgateway.message.EnvelopeCodec;
import io.mailgateway.message.MailHeaders;
import io.mailgateway.message.Mailbox;
import io.mailgateway.message.MessageContent;
import io.mailgateway.message.QueueIds;
import io.mailgateway.message.Recipient;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code deliver} step of route {@code delivery}: one attempt to relay a message of the
 * broker queue "delivery" to the RELAY recipients of its envelope, one
 * SMTP transaction per next hop, then everything that follows from the per-recipient replies,
 * sent on the consumer's own JMS session so it commits (or rolls back) with the consumed message:
 * <ul>
 *   <li>temporary failures (4xx, no connection): a copy with only those recipients, attempts + 1,
 *       the last error and a broker-scheduled delivery time ({@code _AMQ_SCHED_DELIVERY}) back
 *       into "delivery" ({@link RetrySchedule});</li>
 *   <li>permanent failures (5xx), and temporary ones past QUEUE_MAX_RETRIES retries or QUEUE_MAX_AGE: an
 *       RFC 3464 DSN to the envelope sender, injected into mail.accepted like a newly accepted
 *       message (never for the null sender), and the original into "delivery.dlq" with
 *       {@link MailHeaders#DLQ_REASON}.</li>
 *   <li>once per message, when it is still being retried QUEUE_DELAY_WARNING after receipt (if
 *       not 0): a delay warning DSN (Action: delayed) to the sender.</li>
 * </ul>
 * Any exception leaves the route failed: the transaction rolls back and the broker's address
 * settings for "delivery" bring the message back later (the safety net).
 */
public final class DeliverProcessor implements Processor, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DeliverProcessor.class);

    private final Router router;
    private final RelayClient client;
    private final RetrySchedule schedule;
    private final String hostname;
    private final Path spoolDir;
    private final ExecutorService hops;
    private final QueueSends sends = new QueueSends();
    private final DeliveryMetrics metrics;

    /**
     * @param parallelHops next hops of one message tried at once (QUEUE_PARALLEL_WORKERS)
     * @param consumers    messages handled at once (QUEUE_WORKER_THREADS), to size the hop pool
     */
    public DeliverProcessor(Router router, RelayClient client, RetrySchedule schedule, String hostname, Path spoolDir,
            int parallelHops, int consumers, DeliveryMetrics metrics) {
        this.router = router;
        this.metrics = metrics;
        this.client = client;
        this.schedule = schedule;
        this.hostname = hostname;
        this.spoolDir = spoolDir;
        this.hops = parallelHops <= 1 ? null : Executors.newFixedThreadPool(parallelHops * consumers, r -> {
            Thread t = new Thread(r, "delivery-hop");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Message in = exchange.getIn();
        String queueId = in.getHeader(MailHeaders.QUEUE_ID, String.class);
        Envelope envelope = EnvelopeCodec.read(in);
        List<Recipient> recipients = envelope.relayed();
        int attempts = in.getHeader(MailHeaders.ATTEMPTS, 0, Integer.class) + 1;
        long receivedAt = in.getHeader(MailHeaders.RECEIVED_AT, System.currentTimeMillis(), Long.class);
        // the queue lifetime counts from the operator's requeue, if any (the DSN still gives the arrival)
        long queuedSince = Math.max(receivedAt, in.getHeader(MailHeaders.REQUEUED_AT, 0L, Long.class));
        if (recipients.isEmpty()) {
            LOG.warn("{}: in the delivery queue without relayed recipients; dropped", queueId);
            return;
        }
        MessageContent content = HeldBodies.hold(exchange, spoolDir, queueId);
        try {
            Map<Recipient, Outcome> outcomes = attempt(queueId, envelope.sender(), recipients, content);
            settle(exchange, queueId, envelope, attempts, receivedAt, queuedSince, outcomes, content);
        } finally {
            content.release();
        }
    }

    /** One reply per recipient, with the host that gave it. */
    record Outcome(RemoteReply reply, String host) {
    }

    private Map<Recipient, Outcome> attempt(String queueId, Mailbox sender, List<Recipient> recipients, MessageContent content)
            throws Exception {
        Map<Mailbox, Recipient> byMailbox = new LinkedHashMap<>();
        recipients.forEach(r -> byMailbox.putIfAbsent(r.mailbox(), r));
        List<HopGroup> groups = router.route(List.copyOf(byMailbox.keySet()));
        List<Future<Map<Mailbox, Outcome>>> running = new ArrayList<>();
        Map<Mailbox, Outcome> replies = new LinkedHashMap<>();
        for (HopGroup group : groups) {
            if (hops == null || groups.size() == 1) {
                replies.putAll(sendTo(queueId, sender, group, content));
            } else {
                running.add(hops.submit(() -> sendTo(queueId, sender, group, content)));
            }
        }
        for (Future<Map<Mailbox, Outcome>> f : running) {
            replies.putAll(f.get());
        }
        Map<Recipient, Outcome> outcomes = new LinkedHashMap<>();
        // a client that forgot one: treat as not delivered yet
        byMailbox.forEach((mailbox, rcpt) -> outcomes.put(rcpt, replies.getOrDefault(mailbox,
                new Outcome(new RemoteReply(451, "4.3.0 No reply recorded for this recipient"), null))));
        return outcomes;
    }

    private Map<Mailbox, Outcome> sendTo(String queueId, Mailbox sender, HopGroup group, MessageContent content) {
        Map<Mailbox, Outcome> out = new LinkedHashMap<>();
        if (group.failure() != null) {
            metrics.unroutable(group.failure());
            group.recipients().forEach(r -> out.put(r, new Outcome(group.failure(), null)));
            return out;
        }
        // The wire forms go to the client; its replies come back keyed by the same strings.
        Map<String, Mailbox> wire = new LinkedHashMap<>();
        group.recipients().forEach(m -> wire.put(m.toString(), m));
        long start = System.nanoTime();
        RelayResult result = client.send(group.hosts(),
                new RelayEnvelope(queueId, sender.toString(), List.copyOf(wire.keySet()), content.size()), content);
        long took = System.nanoTime() - start;
        metrics.attempted(result.recipients().values(), took);
        LOG.info("{}: attempt relay={} rcpts={} size={} result={} in {} ms", queueId, result.host(), wire.size(), content.size(),
                summary(result), took / 1_000_000);
        result.recipients().forEach((rcpt, reply) -> {
            Mailbox m = wire.get(rcpt);
            if (m != null) {
                out.put(m, new Outcome(reply, result.host()));
            }
        });
        return out;
    }

    private void settle(Exchange exchange, String queueId, Envelope envelope, int attempts, long receivedAt, long queuedSince,
            Map<Recipient, Outcome> outcomes, MessageContent content) throws Exception {
        Mailbox sender = envelope.sender();
        long now = System.currentTimeMillis();
        boolean expired = schedule.expired(queuedSince, now);
        boolean exhausted = schedule.exhausted(attempts);
        Map<Recipient, Outcome> retry = new LinkedHashMap<>();
        List<DeliveryStatusNotification.Failure> failed = new ArrayList<>();
        Map<Recipient, Outcome> failedOutcomes = new LinkedHashMap<>();
        String reason = null;
        for (Map.Entry<Recipient, Outcome> e : outcomes.entrySet()) {
            RemoteReply reply = e.getValue().reply();
            if (reply.isPositive()) {
                metrics.delivered();
                LOG.info("{}: delivered to=<{}> relay={} attempt={} reply={}", queueId, e.getKey().mailbox(), e.getValue().host(), attempts, reply);
                continue;
            }
            String why;
            // Anything but a 5xx (4xx, or a reply no SMTP server should give) is worth another try.
            if (!reply.isPermanent() && !expired && !exhausted) {
                retry.put(e.getKey(), e.getValue());
                continue;
            } else if (!reply.isPermanent()) {
                why = expired ? "expired: still undeliverable after " + human(schedule.maxAge()) : "retries exhausted after " + attempts + " attempts";
            } else {
                why = "permanent failure";
            }
            reason = reason == null ? why : reason;
            failed.add(new DeliveryStatusNotification.Failure(e.getKey().address(), reply, e.getValue().host(), why));
            failedOutcomes.put(e.getKey(), e.getValue());
            LOG.warn("{}: failed to=<{}> relay={} attempt={} reply={} ({})", queueId, e.getKey().mailbox(), e.getValue().host(), attempts, reply, why);
        }
        metrics.deferred(retry.size());
        metrics.bounced(failed.size());
        if (!retry.isEmpty()) {
            boolean warn = !sender.isNull() && schedule.warnDelay(queuedSince, now)
                    && !Boolean.parseBoolean(exchange.getIn().getHeader(MailHeaders.DELAY_WARNED, "false", String.class));
            if (warn) {
                List<DeliveryStatusNotification.Failure> delayed = new ArrayList<>();
                retry.forEach((rcpt, o) -> delayed.add(new DeliveryStatusNotification.Failure(rcpt.address(), o.reply(), o.host(),
                        "delayed, still being retried")));
                bounce(exchange, queueId, sender, receivedAt, delayed, content, queuedSince + schedule.maxAge().toMillis());
            }
            scheduleRetry(exchange, queueId, envelope, attempts, now, retry, content, warn);
        }
        if (!failed.isEmpty()) {
            if (sender.isNull()) {
                // RFC 5321 4.5.5 / RFC 3464: never a DSN about a DSN (null sender): no loops, no backscatter.
                reason += "; null sender, no bounce";
                LOG.warn("{}: null sender: no bounce for {}, message kept in delivery.dlq", queueId, addresses(failedOutcomes));
            } else {
                bounce(exchange, queueId, sender, receivedAt, failed, content, null);
            }
            toDeadLetters(exchange, envelope, reason, failedOutcomes, content);
        }
    }

    private void scheduleRetry(Exchange exchange, String queueId, Envelope envelope, int attempts, long now,
            Map<Recipient, Outcome> retry, MessageContent content, boolean warned) throws Exception {
        long at = now + schedule.delayAfter(attempts).toMillis();
        Map<String, Object> headers = QueueSends.mailHeaders(exchange);
        headers.putAll(EnvelopeCodec.headers(envelope.withRecipients(List.copyOf(retry.keySet()))));
        headers.put(MailHeaders.ATTEMPTS, attempts);
        headers.put(MailHeaders.LAST_ERROR, errors(retry));
        headers.put(MailHeaders.NEXT_ATTEMPT_AT, at);
        headers.put(QueueSends.SCHEDULED_DELIVERY, at);
        if (warned) {
            headers.put(MailHeaders.DELAY_WARNED, "true");
        }
        sends.toDelivery(exchange, content, headers);
        LOG.info("{}: deferred to={} attempt={} next in {} ms: {}", queueId, addresses(retry), attempts, at - now, errors(retry));
    }

    /**
     * A DSN to the sender: a failure report, or a delay warning when {@code retryUntil} is set.
     * Injected into mail.accepted like accepted mail, its one recipient routed as our own mail:
     * a local sender's mailbox gets it from the stores, any other sender through "delivery"
     * (transport map, RELAY_HOST or MX), never a mailbox of a domain that is not local.
     */
    private void bounce(Exchange exchange, String queueId, Mailbox sender, long receivedAt,
            List<DeliveryStatusNotification.Failure> failed, MessageContent content, Long retryUntil) throws Exception {
        String dsnId = QueueIds.next();
        byte[] dsn;
        try (InputStream original = new BufferedInputStream(content.openStream())) {
            dsn = DeliveryStatusNotification.build(hostname, dsnId, sender.toString(), receivedAt, failed, original, retryUntil);
        }
        Envelope envelope = new Envelope(Mailbox.NULL, Map.of(),
                List.of(Recipient.of(sender, router.dispositionOfOwnMail(sender))), Client.local(hostname));
        Map<String, Object> headers = new HashMap<>(EnvelopeCodec.headers(envelope));
        headers.put(MailHeaders.QUEUE_ID, dsnId);
        headers.put(MailHeaders.PROTOCOL, MailHeaders.PROTOCOL_LOCAL);
        headers.put(MailHeaders.RECEIVED_AT, System.currentTimeMillis());
        headers.put(MailHeaders.SIZE, (long) dsn.length);
        sends.toAccepted(exchange, dsn, headers);
        LOG.info("{}: {} {} to <{}> ({}) for {}", queueId, retryUntil == null ? "bounce" : "delay warning", dsnId, sender,
                envelope.recipients().get(0).disposition(),
                failed.stream().map(f -> "<" + f.recipient() + ">").collect(Collectors.joining(",")));
    }

    private void toDeadLetters(Exchange exchange, Envelope envelope, String reason, Map<Recipient, Outcome> failed,
            MessageContent content) throws Exception {
        Map<String, Object> headers = QueueSends.mailHeaders(exchange);
        headers.putAll(EnvelopeCodec.headers(envelope.withRecipients(List.copyOf(failed.keySet()))));
        headers.put(MailHeaders.LAST_ERROR, errors(failed));
        headers.put(MailHeaders.DLQ_REASON, reason);
        headers.remove(MailHeaders.NEXT_ATTEMPT_AT);
        sends.toDeadLetters(exchange, content, headers);
    }

    /** 5d, 4h, 30m, 4s or 500ms: the largest unit that divides the duration. */
    static String human(java.time.Duration d) {
        long ms = d.toMillis();
        for (Object[] unit : new Object[][] {{86_400_000L, "d"}, {3_600_000L, "h"}, {60_000L, "m"}, {1000L, "s"}}) {
            long size = (Long) unit[0];
            if (ms >= size && ms % size == 0) {
                return ms / size + (String) unit[1];
            }
        }
        return ms + "ms";
    }

    /** "2 x 250, 1 x 451": the replies of one transaction, for its log line. */
    private static String summary(RelayResult result) {
        Map<Integer, Long> byCode = new java.util.TreeMap<>(result.recipients().values().stream()
                .collect(Collectors.groupingBy(RemoteReply::code, Collectors.counting())));
        return byCode.entrySet().stream().map(e -> e.getValue() + " x " + e.getKey()).collect(Collectors.joining(", "));
    }

    /** "rcpt: reply; rcpt: reply" */
    private static String errors(Map<Recipient, Outcome> outcomes) {
        return outcomes.entrySet().stream().map(e -> e.getKey().address() + ": " + e.getValue().reply())
                .collect(Collectors.joining("; "));
    }

    /** "<a@x>,<b@y>": for log lines. */
    private static String addresses(Map<Recipient, Outcome> outcomes) {
        return outcomes.keySet().stream().map(r -> "<" + r.address() + ">").collect(Collectors.joining(","));
    }

    @Override
    public void close() {
        if (hops != null) {
            hops.shutdownNow();
        }
        try {
            sends.close();
        } catch (IOException e) {
            LOG.debug("closing the producer template: {}", e.toString());
        }
    }
}
