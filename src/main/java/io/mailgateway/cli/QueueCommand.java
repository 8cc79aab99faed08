package io.mailgateway.cli;

import io.mailgateway.broker.AdminCredentials;
import io.mailgateway.broker.ClusterSettings;
import io.mailgateway.broker.EmbeddedBroker;
import io.mailgateway.config.EffectiveConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code queue list|show ID|retry ID|retry-all|delete ID|dlq list|dlq requeue ID} (and
 * {@code dlq list|requeue ID} at top level): inspect and repair the running gateway's delivery
 * queue and the dead-letter queues (delivery.dlq and each store's store.NAME.dlq, see
 * {@link DeadLetterQueues}), like Postfix's postqueue/postsuper. Talks to the broker's administrative port
 * (127.0.0.1:BROKER_PORT) through {@link QueueAdmin}; docs/delivery.md shows every command.
 *
 * <p>On a cluster member (CLUSTER_PORT set) every command acts on every node's broker
 * ({@link ClusterMembers}): listings come in one section per node (a {@code node} field in
 * JSON), a queue ID is looked for on every node (the node in the ID is where it was accepted,
 * but a replica that took over for a dead node hands its mail to the others), and a node that
 * cannot be reached is reported as such while the others are still shown.
 *
 * <p>Exit status: 0 done, 1 no such queue ID (or the broker refused the operation), 2 usage
 * error, 3 the gateway's broker cannot be reached (in a cluster: no node can), 4 its
 * credentials cannot be read or are refused, 5 done on the nodes that answered but some
 * cluster node could not be reached, 6 ({@code dlq requeue}) the message is in the dead-letter
 * queue of a store that is not enabled, and left there.
 */
final class QueueCommand {

    static final String DELIVERY = "delivery";
    static final String DLQ = "delivery.dlq";

    static final String USAGE = "usage: java -jar mail-gateway.jar queue list [--json]\n"
            + "       java -jar mail-gateway.jar queue show ID [--json]\n"
            + "       java -jar mail-gateway.jar queue retry ID | retry-all\n"
            + "       java -jar mail-gateway.jar queue delete ID\n"
            + "       java -jar mail-gateway.jar queue dlq list [--json] | dlq requeue ID   (also: dlq list | dlq requeue ID)\n"
            + "       exit status: 0 done, 1 no such ID, 2 usage, 3 broker unreachable, 4 credentials refused,"
            + " 5 some cluster node unreachable, 6 requeue refused: the message's store is not enabled";

    static final int OK = 0;
    static final int NOT_FOUND = 1;
    static final int USAGE_ERROR = 2;
    static final int UNREACHABLE = 3;
    /** The broker credentials file cannot be read (wrong user or DATA_DIR), or the broker refused them. */
    static final int NOT_ALLOWED = 4;
    /** In a cluster: done where the nodes answered, but at least one node could not be reached. */
    static final int PARTIAL = 5;
    /** dlq requeue: the message's store is not enabled (not in STORAGE_TYPE); the message stays in its DLQ. */
    static final int STORE_NOT_ENABLED = 6;

    private final QueueNodes nodes;
    private final PrintStream out;

    private QueueCommand(QueueNodes nodes) {
        this.nodes = nodes;
        this.out = nodes.out;
    }

    /**
     * @param args the words after {@code queue} (for top-level {@code dlq}, "dlq" plus its words)
     * @param brokerPort the running gateway's BROKER_PORT
     * @param dataDir    the running gateway's DATA_DIR, where its broker credentials are
     * @param cluster    the gateway's cluster settings: when clustered, the command acts on every member
     */
    static int run(List<String> args, int brokerPort, Path dataDir, ClusterSettings cluster, PrintStream out, PrintStream err) {
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
        if (brokerPort <= 0 && !cluster.clustered()) {
            err.println(NO_BROKER_PORT);
            return UNREACHABLE;
        }
        AdminCredentials credentials;
        try {
            credentials = AdminCredentials.read(dataDir);
        } catch (AdminCredentials.Unavailable e) {
            err.println(e.getMessage());
            return NOT_ALLOWED;
        }
        try (QueueNodes nodes = new QueueNodes(connect(brokerPort, credentials, cluster), cluster.clustered(), json, out, err)) {
            return new QueueCommand(nodes).dispatch(words, id);
        } catch (QueueAdmin.Unreachable e) {
            err.println(e.getMessage());
            return UNREACHABLE;
        } catch (QueueAdmin.Refused e) {
            err.println(e.getMessage());
            return NOT_ALLOWED;
        } catch (Exception e) {
            err.println(command + " failed: " + EffectiveConfig.maskSecrets(e.getMessage()));
            return NOT_FOUND;
        } finally {
            out.flush();
        }
    }

    static final String NO_BROKER_PORT =
            "BROKER_PORT is 0: the gateway opens no administrative port, so the queue cannot be reached";

    /** The local broker alone, or (clustered) every member ({@link ClusterMembers}). */
    private static List<QueueNode> connect(int brokerPort, AdminCredentials credentials, ClusterSettings cluster) throws Exception {
        if (cluster.clustered()) {
            return ClusterMembers.connect(brokerPort, credentials, cluster);
        }
        return List.of(QueueNode.reached(null, EmbeddedBroker.ADMIN_HOST + ":" + brokerPort, true,
                QueueAdmin.connect(EmbeddedBroker.ADMIN_HOST, brokerPort, credentials)));
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
        MessageCommands message = new MessageCommands(nodes);
        return switch (w.get(0)) {
            case "list" -> list();
            case "show" -> message.show(id);
            case "retry" -> message.retry(id);
            case "retry-all" -> retryAll();
            case "delete" -> message.delete(id);
            default -> w.get(1).equals("list") ? listDeadLetters() : message.requeue(id);
        };
    }

    private int list() throws Exception {
        List<QueueEntry> all = new ArrayList<>();
        for (QueueNode node : nodes.all()) {
            if (!nodes.reached(node)) {
                continue;
            }
            List<QueueEntry> entries = QueueEntry.of(nodes.nodeField(node), DELIVERY, node.admin().list(DELIVERY, null));
            all.addAll(entries);
            if (!nodes.json) {
                nodes.section(node);
                QueueTable.print(out, entries, false);
                printCount(DELIVERY, entries.size(), node.admin().count(DELIVERY));
            }
        }
        if (nodes.json) {
            out.println(QueueEntry.toJson(all));
        }
        return nodes.done();
    }

    /** Every dead-letter queue in one table (its QUEUE column says which), a count line per queue. */
    private int listDeadLetters() throws Exception {
        List<QueueEntry> all = new ArrayList<>();
        for (QueueNode node : nodes.all()) {
            if (!nodes.reached(node)) {
                continue;
            }
            List<String> queues = DeadLetterQueues.all(node.admin());
            List<QueueEntry> entries = new ArrayList<>();
            for (String queue : queues) {
                entries.addAll(QueueEntry.of(nodes.nodeField(node), queue, node.admin().list(queue, null)));
            }
            all.addAll(entries);
            if (nodes.json) {
                continue;
            }
            nodes.section(node);
            QueueTable.print(out, entries, true);
            for (String queue : queues) {
                printCount(queue, entries.stream().filter(e -> e.queue().equals(queue)).count(), node.admin().count(queue));
            }
        }
        if (nodes.json) {
            out.println(QueueEntry.toJson(all));
        }
        return nodes.done();
    }

    private void printCount(String queue, long listed, long total) {
        out.printf("%s: %d message(s)%s%n", queue, listed,
                total > listed ? " listed of " + total + " (the broker's management-browse-page-size caps a listing)" : "");
    }

    private int retryAll() throws Exception {
        for (QueueNode node : nodes.all()) {
            if (!nodes.reached(node)) {
                continue;
            }
            long scheduled = node.admin().list(DELIVERY, null).stream().filter(m -> Boolean.TRUE.equals(m.get("scheduled"))).count();
            node.admin().invoke(DELIVERY, "deliverScheduledMessages", "");
            nodes.section(node);
            out.println(scheduled + " scheduled message(s) released for delivery now");
        }
        return nodes.done();
    }
}
