package io.mailgateway.cli;

import io.mailgateway.broker.AdminCredentials;
import io.mailgateway.broker.EmbeddedBroker;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code queue list|show ID|retry ID|retry-all|delete ID|dlq list|dlq requeue ID} (and
 * {@code dlq list|requeue ID} at top level): inspect and repair the running gateway's delivery
 * queue and the dead-letter queues (delivery.dlq and each store's store.NAME.dlq, see
 * {@link DeadLetterQueues}), like Postfix's postqueue/postsuper. Talks to the broker's administrative port
 * (127.0.0.1:BROKER_PORT) through {@link QueueAdmin}; docs/delivery.md shows every command.
 *
 * <p>Exit status: 0 done, 1 no such queue ID (or the broker refused the operation), 2 usage
 * error, 3 the gateway's broker cannot be reached, 4 its credentials cannot be read or are refused.
 */
final class QueueCommand {

    static final String DELIVERY = "delivery";
    static final String DLQ = "delivery.dlq";

    static final String USAGE = "usage: java -jar mail-gateway.jar queue list [--json]\n"
            + "       java -jar mail-gateway.jar queue show ID [--json]\n"
            + "       java -jar mail-gateway.jar queue retry ID | retry-all\n"
            + "       java -jar mail-gateway.jar queue delete ID\n"
            + "       java -jar mail-gateway.jar queue dlq list [--json] | dlq requeue ID   (also: dlq list | dlq requeue ID)";

    static final int OK = 0;
    static final int NOT_FOUND = 1;
    static final int USAGE_ERROR = 2;
    static final int UNREACHABLE = 3;
    /** The broker credentials file cannot be read (wrong user or DATA_DIR), or the broker refused them. */
    static final int NOT_ALLOWED = 4;

    private final PrintStream out;
    private final PrintStream err;
    private final boolean json;
    private QueueAdmin admin;

    private QueueCommand(PrintStream out, PrintStream err, boolean json) {
        this.out = out;
        this.err = err;
        this.json = json;
    }

    /**
     * @param args the words after {@code queue} (for top-level {@code dlq}, "dlq" plus its words)
     * @param brokerPort the running gateway's BROKER_PORT
     * @param dataDir    the running gateway's DATA_DIR, where its broker credentials are
     */
    static int run(List<String> args, int brokerPort, Path dataDir, PrintStream out, PrintStream err) {
        List<String> words = new ArrayList<>(args);
        boolean json = words.remove("--json");
        String command = String.join(" ", words.subList(0, Math.min(2, words.size())));
        if (words.isEmpty() || !validShape(words)) {
            err.println(USAGE);
            return USAGE_ERROR;
        }
        String id = words.size() > 1 && !words.get(0).equals("dlq") ? words.get(1)
                : words.size() > 2 ? words.get(2) : null;
        if (id != null && !id.matches("[A-Za-z0-9._-]{1,64}")) {
            err.println("not a queue ID: " + id);
            return USAGE_ERROR;
        }
        if (brokerPort <= 0) {
            err.println("BROKER_PORT is 0: the gateway opens no administrative port, so the queue cannot be reached");
            return UNREACHABLE;
        }
        AdminCredentials credentials;
        try {
            credentials = AdminCredentials.read(dataDir);
        } catch (AdminCredentials.Unavailable e) {
            err.println(e.getMessage());
            return NOT_ALLOWED;
        }
        QueueCommand cmd = new QueueCommand(out, err, json);
        try (QueueAdmin admin = QueueAdmin.connect(EmbeddedBroker.ADMIN_HOST, brokerPort, credentials)) {
            cmd.admin = admin;
            return cmd.dispatch(words, id);
        } catch (QueueAdmin.Unreachable e) {
            err.println(e.getMessage());
            return UNREACHABLE;
        } catch (QueueAdmin.Refused e) {
            err.println(e.getMessage());
            return NOT_ALLOWED;
        } catch (Exception e) {
            err.println(command + " failed: " + e.getMessage());
            return NOT_FOUND;
        } finally {
            out.flush();
        }
    }

    private static boolean validShape(List<String> w) {
        return switch (w.get(0)) {
            case "list", "retry-all" -> w.size() == 1;
            case "show", "retry", "delete" -> w.size() == 2;
            case "dlq" -> w.size() == 2 && w.get(1).equals("list") || w.size() == 3 && w.get(1).equals("requeue");
            default -> false;
        };
    }

    private int dispatch(List<String> w, String id) throws Exception {
        return switch (w.get(0)) {
            case "list" -> list(DELIVERY);
            case "show" -> show(id);
            case "retry" -> retry(id);
            case "retry-all" -> retryAll();
            case "delete" -> delete(id);
            default -> w.get(1).equals("list") ? listDeadLetters() : requeue(id);
        };
    }

    private int list(String queue) throws Exception {
        List<QueueEntry> entries = QueueEntry.of(queue, admin.list(queue, null));
        if (json) {
            out.println(QueueEntry.toJson(entries));
            return OK;
        }
        QueueTable.print(out, entries, queue.equals(DLQ));
        long total = admin.count(queue);
        out.printf("%s: %d message(s)%s%n", queue, entries.size(),
                total > entries.size() ? " listed of " + total + " (the broker's management-browse-page-size caps a listing)" : "");
        return OK;
    }

    /** Every dead-letter queue in one table (its QUEUE column says which), a count line per queue. */
    private int listDeadLetters() throws Exception {
        List<String> queues = DeadLetterQueues.all(admin);
        List<QueueEntry> entries = new ArrayList<>();
        for (String queue : queues) {
            entries.addAll(QueueEntry.of(queue, admin.list(queue, null)));
        }
        if (json) {
            out.println(QueueEntry.toJson(entries));
            return OK;
        }
        QueueTable.print(out, entries, true);
        for (String queue : queues) {
            long listed = entries.stream().filter(e -> e.queue().equals(queue)).count();
            long total = admin.count(queue);
            out.printf("%s: %d message(s)%s%n", queue, listed,
                    total > listed ? " listed of " + total + " (the broker's management-browse-page-size caps a listing)" : "");
        }
        return OK;
    }

    /** delivery and every dead-letter queue: where show and delete look for an ID. */
    private List<String> queuesWithMail() throws Exception {
        List<String> queues = new ArrayList<>();
        queues.add(DELIVERY);
        queues.addAll(DeadLetterQueues.all(admin));
        return queues;
    }

    private int show(String id) throws Exception {
        List<QueueEntry> found = new ArrayList<>();
        for (String queue : queuesWithMail()) {
            found.addAll(QueueEntry.of(queue, admin.list(queue, id)));
        }
        if (found.isEmpty()) {
            return notFound(id, "delivery or a dead-letter queue");
        }
        if (json) {
            out.println(QueueEntry.toJson(found));
            return OK;
        }
        for (QueueEntry e : found) {
            QueueTable.printDetails(out, e);
            byte[] preview = e.scheduled() ? null : admin.bodyPreview(e.queue(), QueueAdmin.filter(id));
            QueueTable.printHeaders(out, e.scheduled(), preview);
        }
        return OK;
    }

    private int retry(String id) throws Exception {
        List<QueueEntry> entries = QueueEntry.of(DELIVERY, admin.list(DELIVERY, id));
        if (entries.isEmpty()) {
            boolean dead = !admin.list(DLQ, id).isEmpty();
            return notFound(id, dead ? "delivery (it is in delivery.dlq: use `dlq requeue " + id + "`)" : "delivery");
        }
        int released = 0;
        for (QueueEntry e : entries) {
            if (e.scheduled()) {
                admin.invoke(DELIVERY, "deliverScheduledMessage", e.brokerMessageId());
                released++;
            }
        }
        if (released == 0) {
            out.println(id + ": not waiting for a retry; it is due for delivery now");
        } else {
            out.println(id + ": released for delivery now (" + released + " scheduled message(s))");
        }
        return OK;
    }

    private int retryAll() throws Exception {
        long scheduled = admin.list(DELIVERY, null).stream().filter(m -> Boolean.TRUE.equals(m.get("scheduled"))).count();
        admin.invoke(DELIVERY, "deliverScheduledMessages", "");
        out.println(scheduled + " scheduled message(s) released for delivery now");
        return OK;
    }

    private int delete(String id) throws Exception {
        int removed = 0;
        for (String queue : queuesWithMail()) {
            List<QueueEntry> entries = QueueEntry.of(queue, admin.list(queue, id));
            if (entries.isEmpty()) {
                continue;
            }
            int n = ((Number) admin.invoke(queue, "removeMessages", QueueAdmin.filter(id))).intValue();
            for (QueueEntry e : entries.subList(0, Math.min(n, entries.size()))) {
                out.printf("deleted %s from %s: from <%s> to %s, %d octets, received %s%n", e.queueId(), queue, e.sender(),
                        String.join(",", e.shownRecipients()), e.size(), QueueTable.time(e.receivedAt()));
            }
            removed += n;
        }
        if (removed == 0) {
            return notFound(id, "delivery or a dead-letter queue");
        }
        return OK;
    }

    /**
     * Back from whichever dead-letter queue holds the ID: delivery.dlq to delivery, a store's
     * store.NAME.dlq to that store's queue only (the others have the message already).
     */
    private int requeue(String id) throws Exception {
        int requeued = 0;
        for (String dlq : DeadLetterQueues.all(admin)) {
            long expected = admin.list(dlq, id).size();
            if (expected == 0) {
                continue;
            }
            String target = DeadLetterQueues.requeueTarget(dlq);
            if (target == null) {
                err.println(id + " is in " + dlq + ", whose store is not enabled: enable it (STORAGE_TYPE) and restart,"
                        + " the gateway then moves it to store.NAME.dlq");
                continue;
            }
            List<Map<String, Object>> moved = admin.moveFresh(dlq, QueueAdmin.filter(id), target,
                    DeadLetterQueues.resetOnRequeue(dlq), expected);
            for (QueueEntry e : QueueEntry.of(dlq, moved)) {
                out.printf("requeued %s from %s to %s for a fresh attempt: to %s%n", id, dlq, target,
                        String.join(",", e.shownRecipients()));
                requeued++;
            }
        }
        return requeued == 0 ? notFound(id, "a dead-letter queue") : OK;
    }

    private int notFound(String id, String where) {
        err.println("no message " + id + " in " + where);
        return NOT_FOUND;
    }
}
