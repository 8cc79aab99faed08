package io.mailgateway.cli;

import io.mailgateway.message.Client;
import io.mailgateway.message.Envelope;
import io.mailgateway.message.EnvelopeCodec;
import io.mailgateway.message.MailHeaders;
import io.mailgateway.message.Mailbox;
import io.mailgateway.message.Recipient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.activemq.artemis.json.JsonArrayBuilder;
import org.apache.activemq.artemis.json.JsonObjectBuilder;
import org.apache.activemq.artemis.utils.JsonLoader;

/**
 * One message of the delivery queue (or a dead-letter queue: delivery.dlq, store.NAME.dlq) as the queue commands show it, read from the
 * properties the broker's management lists (the contract in {@link MailHeaders}).
 *
 * @param nextAttemptAt epoch ms of the scheduled retry, or 0 when the message is due now
 * @param properties    every property and broker header as listed, for {@code queue show}
 * @param node          NODE_ID of the cluster member whose broker holds it; 0 outside a cluster
 */
record QueueEntry(String queue, long brokerMessageId, String queueId, String sender, List<String> recipients,
                  List<String> relayRecipients, long size, long receivedAt, int attempts, String lastError,
                  long nextAttemptAt, boolean scheduled, String dlqReason, Map<String, Object> properties, int node) {

    static final String SCHEDULED_DELIVERY = "_AMQ_SCHED_DELIVERY";

    /** When the message was sent into its queue (for the DLQ: when it was given up). */
    long sentAt() {
        return number(properties.get("timestamp"), 0);
    }

    /** In a dead-letter queue rather than the delivery queue. */
    boolean deadLetter() {
        return !queue.equals(QueueCommand.DELIVERY);
    }

    /**
     * The recipients the message is still for: those still to relay in delivery and delivery.dlq;
     * all of them in a store's dead-letter queue (the store keeps the message for every recipient).
     */
    List<String> shownRecipients() {
        return queue.startsWith("store.") ? recipients : pendingRecipients();
    }

    /** Why it is in a dead-letter queue; a copy the broker gave up on after max-delivery-attempts has no reason of ours. */
    String deadLetterReason() {
        if (!dlqReason.isEmpty()) {
            return dlqReason;
        }
        return lastError.isEmpty() && queue.startsWith("store.") ? "max-delivery-attempts reached (broker.xml)" : lastError;
    }

    /** Recipients still to relay (the envelope's RELAY ones), or all recipients when it has none. */
    List<String> pendingRecipients() {
        return relayRecipients != null ? relayRecipients : recipients;
    }

    static List<QueueEntry> of(String queue, List<Map<String, Object>> listed) {
        return of(0, queue, listed);
    }

    /** As listed by the broker of cluster member {@code node} (0: not a cluster). */
    static List<QueueEntry> of(int node, String queue, List<Map<String, Object>> listed) {
        List<QueueEntry> entries = new ArrayList<>();
        for (Map<String, Object> m : listed) {
            boolean scheduled = Boolean.TRUE.equals(m.get("scheduled"));
            long next = scheduled ? number(m.get(SCHEDULED_DELIVERY), number(m.get(MailHeaders.NEXT_ATTEMPT_AT), 0)) : 0;
            Envelope envelope = envelope(m);
            List<String> relayed = envelope.relayed().stream().map(Recipient::address).toList();
            entries.add(new QueueEntry(queue, number(m.get("messageID"), -1), text(m.get(MailHeaders.QUEUE_ID)),
                    envelope.sender().toString(), envelope.recipients().stream().map(Recipient::address).toList(),
                    relayed.isEmpty() ? null : relayed,
                    number(m.get(MailHeaders.SIZE), -1), number(m.get(MailHeaders.RECEIVED_AT), 0),
                    (int) number(m.get(MailHeaders.ATTEMPTS), 0), text(m.get(MailHeaders.LAST_ERROR)), next, scheduled,
                    text(m.get(MailHeaders.DLQ_REASON)), m, node));
        }
        return entries;
    }

    private static String text(Object v) {
        return v == null ? "" : v.toString();
    }

    /** The message's envelope; an empty one for a message without (or with an unreadable) envelope. */
    private static Envelope envelope(Map<String, Object> m) {
        Object json = m.get(MailHeaders.ENVELOPE);
        if (json != null) {
            try {
                return EnvelopeCodec.decode(json.toString());
            } catch (IllegalArgumentException | ClassCastException e) {
                // not one of ours: shown with no envelope
            }
        }
        return new Envelope(Mailbox.NULL, Map.of(), List.of(), new Client("", "", null, null));
    }

    /** Properties may arrive as numbers or as strings of digits, depending on who sent them. */
    private static long number(Object v, long otherwise) {
        if (v instanceof Number n) {
            return n.longValue();
        }
        try {
            return v == null ? otherwise : Long.parseLong(v.toString().trim());
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    static String toJson(List<QueueEntry> entries) {
        JsonArrayBuilder array = JsonLoader.createArrayBuilder();
        for (QueueEntry e : entries) {
            JsonObjectBuilder o = JsonLoader.createObjectBuilder()
                    .add("id", e.queueId())
                    .add("queue", e.queue())
                    .add("state", e.scheduled() ? "scheduled" : "ready")
                    .add("sender", e.sender())
                    .add("recipients", strings(e.recipients()))
                    .add("pendingRecipients", strings(e.pendingRecipients()))
                    .add("size", e.size())
                    .add("receivedAt", QueueTable.iso(e.receivedAt()))
                    .add("attempts", e.attempts())
                    .add("nextAttemptAt", QueueTable.iso(e.nextAttemptAt()))
                    .add("lastError", e.lastError())
                    .add("brokerMessageId", e.brokerMessageId());
            if (e.deadLetter()) {
                o.add("dlqReason", e.deadLetterReason());
            }
            if (e.node() > 0) {
                o.add("node", e.node());
            }
            JsonObjectBuilder props = JsonLoader.createObjectBuilder();
            e.properties().forEach((k, v) -> {
                if (v instanceof Number n) {
                    props.add(k, n.longValue());
                } else if (v instanceof Boolean b) {
                    props.add(k, b);
                } else if (v != null) {
                    props.add(k, v.toString());
                }
            });
            o.add("properties", props);
            array.add(o);
        }
        return array.build().toString();
    }

    private static JsonArrayBuilder strings(List<String> values) {
        JsonArrayBuilder a = JsonLoader.createArrayBuilder();
        values.forEach(a::add);
        return a;
    }
}
