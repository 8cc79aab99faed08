package io.mailgateway.cli;

import io.mailgateway.message.QueueIds;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The queue commands on one queue ID: {@code show}, {@code retry}, {@code delete},
 * {@code dlq requeue}. The ID is looked for on every node that answers and acted on where it is:
 * the node in a queue ID is where the message was accepted, but a replica that took over for a
 * dead node hands its mail on to the others, so that node is only named when it cannot be asked.
 */
final class MessageCommands {

    private final QueueNodes nodes;
    private final PrintStream out;
    private final PrintStream err;

    MessageCommands(QueueNodes nodes) {
        this.nodes = nodes;
        this.out = nodes.out;
        this.err = nodes.err;
    }

    /** delivery and every dead-letter queue: where show and delete look for an ID. */
    private static List<String> queuesWithMail(QueueAdmin admin) throws Exception {
        List<String> queues = new ArrayList<>();
        queues.add(QueueCommand.DELIVERY);
        queues.addAll(DeadLetterQueues.all(admin));
        return queues;
    }

    int show(String id) throws Exception {
        List<QueueEntry> all = new ArrayList<>();
        for (QueueNode node : nodes.reachable()) {
            List<QueueEntry> found = new ArrayList<>();
            for (String queue : queuesWithMail(node.admin())) {
                found.addAll(QueueEntry.of(nodes.nodeField(node), queue, node.admin().list(queue, id)));
            }
            all.addAll(found);
            for (QueueEntry e : nodes.json ? List.<QueueEntry>of() : found) {
                nodes.section(node);
                QueueTable.printDetails(out, e);
                byte[] preview = e.scheduled() ? null : node.admin().bodyPreview(e.queue(), QueueAdmin.filter(id));
                QueueTable.printHeaders(out, e.scheduled(), preview);
            }
        }
        if (all.isEmpty()) {
            return notFound(id, "delivery or a dead-letter queue");
        }
        if (nodes.json) {
            out.println(QueueEntry.toJson(all));
        }
        return nodes.done();
    }

    int retry(String id) throws Exception {
        boolean found = false;
        for (QueueNode node : nodes.reachable()) {
            List<QueueEntry> entries = QueueEntry.of(QueueCommand.DELIVERY, node.admin().list(QueueCommand.DELIVERY, id));
            if (entries.isEmpty()) {
                continue;
            }
            found = true;
            int released = 0;
            for (QueueEntry e : entries) {
                if (e.scheduled()) {
                    node.admin().invoke(QueueCommand.DELIVERY, "deliverScheduledMessage", e.brokerMessageId());
                    released++;
                }
            }
            nodes.section(node);
            if (released == 0) {
                out.println(id + ": not waiting for a retry; it is due for delivery now");
            } else {
                out.println(id + ": released for delivery now (" + released + " scheduled message(s))");
            }
        }
        if (!found) {
            boolean dead = false;
            for (QueueNode node : nodes.reachable()) {
                dead |= !node.admin().list(QueueCommand.DLQ, id).isEmpty();
            }
            return notFound(id, dead ? "delivery (it is in delivery.dlq: use `dlq requeue " + id + "`)" : "delivery");
        }
        return nodes.done();
    }

    int delete(String id) throws Exception {
        int removed = 0;
        for (QueueNode node : nodes.reachable()) {
            for (String queue : queuesWithMail(node.admin())) {
                List<QueueEntry> entries = QueueEntry.of(queue, node.admin().list(queue, id));
                if (entries.isEmpty()) {
                    continue;
                }
                int n = ((Number) node.admin().invoke(queue, "removeMessages", QueueAdmin.filter(id))).intValue();
                nodes.section(node);
                for (QueueEntry e : entries.subList(0, Math.min(n, entries.size()))) {
                    out.printf("deleted %s from %s: from <%s> to %s, %d octets, received %s%n", e.queueId(), queue, e.sender(),
                            String.join(",", e.shownRecipients()), e.size(), QueueTable.time(e.receivedAt()));
                }
                removed += n;
            }
        }
        return removed == 0 ? notFound(id, "delivery or a dead-letter queue") : nodes.done();
    }

    /**
     * Back from whichever dead-letter queue holds the ID: delivery.dlq to delivery, a store's
     * store.NAME.dlq (or store.dead-letters, by the queue the broker dead-lettered it from) to that
     * store's queue only (the others have the message already); on the node that holds it. Refused,
     * the message left where it is, when that queue is not enabled (a store taken out of
     * STORAGE_TYPE): a send to a disabled queue is routed nowhere.
     */
    int requeue(String id) throws Exception {
        int requeued = 0;
        int refused = 0;
        for (QueueNode node : nodes.reachable()) {
            for (String dlq : DeadLetterQueues.all(node.admin())) {
                Map<String, List<Map<String, Object>>> byQueue = new java.util.TreeMap<>();
                for (Map<String, Object> m : node.admin().list(dlq, id)) {
                    String queue = DeadLetterQueues.requeueQueue(dlq, m);
                    byQueue.computeIfAbsent(queue == null ? "" : queue, q -> new ArrayList<>()).add(m);
                }
                for (Map.Entry<String, List<Map<String, Object>>> e : byQueue.entrySet()) {
                    String queue = e.getKey();
                    if (queue.isEmpty() || !node.admin().acceptsMessages(queue)) {
                        nodes.section(node);
                        err.println(id + " is in " + dlq + ", whose store is not enabled"
                                + (queue.isEmpty() ? "" : " (" + queue + ")") + ": left there; enable the store"
                                + " (STORAGE_TYPE), restart the gateway, then `dlq requeue " + id + "` again");
                        refused++;
                        continue;
                    }
                    requeued += move(node, dlq, id, queue, e.getValue().size());
                }
            }
        }
        if (refused > 0) {
            return QueueCommand.STORE_NOT_ENABLED; // also when other copies were requeued: something was left
        }
        return requeued == 0 ? notFound(id, "a dead-letter queue") : nodes.done();
    }

    private int move(QueueNode node, String dlq, String id, String queue, long expected) throws Exception {
        String target = DeadLetterQueues.requeueAddress(queue);
        List<Map<String, Object>> moved = node.admin().moveFresh(dlq, DeadLetterQueues.requeueFilter(dlq, id, queue), target,
                queue, DeadLetterQueues.resetOnRequeue(dlq), DeadLetterQueues.restartedOnRequeue(dlq, System.currentTimeMillis()),
                expected);
        for (QueueEntry e : QueueEntry.of(dlq, moved)) {
            nodes.section(node);
            out.printf("requeued %s from %s to %s for a fresh attempt: to %s%n", id, dlq, target,
                    String.join(",", e.shownRecipients()));
        }
        return moved.size();
    }

    /** In a cluster, also which nodes were not asked, and whether the one that accepted the message is among them. */
    private int notFound(String id, String where) {
        if (!nodes.clustered) {
            err.println("no message " + id + " in " + where);
            return QueueCommand.NOT_FOUND;
        }
        err.println("no message " + id + " in " + where + " on any node that answered");
        List<QueueNode> notAsked = nodes.all().stream().filter(n -> !n.reachable()).toList();
        notAsked.forEach(n -> err.println("  not asked: " + n.heading() + ": " + n.unreachable()));
        int acceptedBy = id.matches("[0-9A-Z]{17}") ? QueueIds.nodeOf(id) : 0;
        if (acceptedBy > 0 && !notAsked.isEmpty() && nodes.reachable().stream().noneMatch(n -> n.nodeId() == acceptedBy)) {
            err.println("  its queue ID says node " + acceptedBy + " accepted it, and node " + acceptedBy + " did not answer");
        }
        return QueueCommand.NOT_FOUND;
    }
}
