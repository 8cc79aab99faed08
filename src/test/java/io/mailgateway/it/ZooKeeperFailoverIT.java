package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.message.QueueIds;
import io.mailgateway.testing.CaptureSmtpServer;
import io.mailgateway.testing.LoopbackZooKeeper;
import io.mailgateway.testing.SmtpTestClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broker HA with the lock manager meant for production (HA_LOCK_MANAGER=zookeeper, Artemis'
 * CuratorDistributedLockManager): a real ZooKeeper server on loopback, two gateway processes (the
 * packaged jar, each its own JVM) in one Artemis cluster, each keeping the replica of the other's
 * broker. Node 1 accepts messages whose relayed recipient the next hop refuses with 450 at first,
 * so every one of them waits in node 1's broker as a scheduled retry (checked with the queue
 * command), and its local recipient's copy is stored in a Maildir (node 1's or node 2's: Artemis
 * spreads a multicast address's copies over the cluster, ARTEMIS-3608, docs/deployment.md). Node 1
 * is then killed with SIGKILL. Then:
 * <ul>
 *   <li>node 2's replica of node 1 becomes live once ZooKeeper let it have the pair's lock (the
 *       dead node's session expired), and the time from the kill is measured;</li>
 *   <li>every message node 1 acknowledged reaches the next hop exactly once, retried by node 2 after
 *       the kill (none lost, none duplicated: no delivery was under way at the kill);</li>
 *   <li>every one is in the Maildirs of the two nodes exactly once (what was stored and acked
 *       before the kill is not stored again from the replica).</li>
 *   <li>ZooKeeper then stops: node 2, live without a lock, exits with status 75 (for its service
 *       manager to restart it) instead of refusing mail for ever; started again once ZooKeeper is
 *       back, it takes mail.</li>
 * </ul>
 */
class ZooKeeperFailoverIT {

    private static final int NODES = 2;
    private static final int MESSAGES = 200;
    private static final int RETRY_DELAY_SECONDS = 30;

    @TempDir
    Path dir;

    @Test
    void should_fail_over_to_the_replica_when_zookeeper_holds_the_lock() throws Exception {
        List<GatewayProcess> nodes = new ArrayList<>();
        try (LoopbackZooKeeper zk = LoopbackZooKeeper.start(dir.resolve("zookeeper"));
             CaptureSmtpServer hop = CaptureSmtpServer.start()) {
            ClusterNodes cluster = new ClusterNodes(NODES);
            List<Map<String, String>> envs = new ArrayList<>();
            for (int n = 1; n <= NODES; n++) {
                Map<String, String> env = cluster.env(dir, n, hop.port());
                env.put("BROKER_PORT", String.valueOf(GatewayProcess.freePort())); // for the queue command below
                env.put("HA_LOCK_MANAGER", "zookeeper");
                env.put("HA_ZOOKEEPER_CONNECT", zk.connectString());
                env.put("STORAGE_TYPE", "maildir");
                env.put("QUEUE_INITIAL_RETRY_DELAY", String.valueOf(RETRY_DELAY_SECONDS));
                envs.add(env);
                nodes.add(GatewayProcess.launch(ClusterNodes.workDir(dir, n), env, "-Xmx256m"));
            }
            for (GatewayProcess node : nodes) {
                node.awaitGreetingWithin(Duration.ofSeconds(120));
            }
            // Each pair's lock (a lease, held by its live member's session) and activation sequence, under the
            // namespace mail-gateway; Artemis writes the coordination ID node-N as node.N.
            List<String> znodes = zk.tree("/mail-gateway");
            System.out.println("znodes: " + znodes);
            for (int n = 1; n <= NODES; n++) {
                String pair = "/mail-gateway/node." + n;
                assertThat(znodes).contains(pair + "/activation-sequence").anyMatch(z -> z.startsWith(pair + "/locks/leases/"));
            }

            // Each message's relayed recipient is refused once (temp1-): its retry waits in node 1's journal.
            Map<String, String> acknowledged = new HashMap<>();
            try (SmtpTestClient c = SmtpTestClient.connectEhlo(nodes.get(0).port())) {
                for (int i = 0; i < MESSAGES; i++) {
                    String rcpt = "temp1-zk" + i + "@relay.test";
                    String id = c.sendMail("s@example.org", List.of("u@example.com", rcpt),
                            ("Subject: zk " + i + "\r\n\r\nbody " + i + "\r\n.\r\n").getBytes(StandardCharsets.US_ASCII));
                    assertThat(QueueIds.nodeOf(id)).as("node in queue ID %s", id).isEqualTo(1);
                    acknowledged.put(rcpt, id);
                }
            }
            await("first attempts").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> assertThat(acknowledged.keySet()).as("relayed recipients attempted")
                            .allMatch(r -> !hop.attempts(r).isEmpty()));
            await("Maildir files").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> assertThat(storedQueueIds()).as("queue IDs in the Maildirs").hasSize(MESSAGES));
            assertThat(acknowledged.keySet()).as("relayed recipients attempted once: retries pending at the kill")
                    .allMatch(r -> hop.attempts(r).size() == 1);
            assertThat(hop.messages()).as("messages at the next hop before the kill").isEmpty();
            // Their retries wait in node 1's broker, not node 2's (as the operator's queue command lists them).
            Map<String, Integer> scheduled = scheduledByNode(envs.get(1), acknowledged.values());
            assertThat(scheduled).as("retries scheduled, by node (the queue command on node 2 lists the cluster)").hasSize(MESSAGES);
            assertThat(scheduled.values()).as("nodes holding the retries").containsOnly(1);

            nodes.get(0).kill9();
            long killedAt = System.currentTimeMillis();
            List<GatewayProcess> survivors = nodes.subList(1, NODES);
            ClusterNodes.awaitReplicaLive(survivors, 1, Duration.ofSeconds(60));
            long failoverMillis = ClusterNodes.replicaLiveAt(survivors.get(0), 1) - killedAt;

            // Every retry: attempted by node 2 after the kill, not before it was due, delivered.
            await("every message at the next hop").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                    .until(() -> acknowledged.keySet().stream().allMatch(r -> !hop.messagesFor(r).isEmpty()));
            long drainedMillis = System.currentTimeMillis() - killedAt;
            // A duplicate would be a redelivery of what the replica already handed on: give one a moment to show.
            TimeUnit.SECONDS.sleep(3);
            long duplicates = acknowledged.keySet().stream().filter(r -> hop.messagesFor(r).size() > 1).count();
            List<String> stored = storedQueueIds();
            System.out.printf("zookeeper failover: failover_ms=%d drained_ms=%d acknowledged=%d delivered=%d duplicate_deliveries=%d stored=%d (node 1: %d, node 2: %d)%n",
                    failoverMillis, drainedMillis, acknowledged.size(), hop.messages().size(), duplicates, stored.size(),
                    Maildirs.delivered(ClusterNodes.dataDir(dir, 1)).size(), Maildirs.delivered(ClusterNodes.dataDir(dir, 2)).size());

            assertThat(duplicates).as("messages delivered twice").isZero();
            assertThat(hop.messages()).as("messages at the next hop").hasSize(MESSAGES);
            for (String r : acknowledged.keySet()) {
                List<Long> attempts = hop.attempts(r);
                assertThat(attempts.get(1)).as("retry of %s came after node 1 died", r).isGreaterThan(killedAt);
                assertThat(attempts.get(1) - attempts.get(0)).as("retry of %s after its first attempt", r)
                        .isGreaterThanOrEqualTo(TimeUnit.SECONDS.toMillis(RETRY_DELAY_SECONDS) - 1_000);
            }
            assertThat(stored).as("queue IDs in the two nodes' Maildirs")
                    .containsExactlyInAnyOrderElementsOf(acknowledged.values());

            // ZooKeeper goes away: node 2's broker loses its lock and stops being live, and the gateway
            // exits 75 for its service manager rather than answering 451 for ever; started again once
            // ZooKeeper is back, it takes its lock and takes mail.
            zk.stop();
            GatewayProcess node2 = nodes.get(1);
            int status = node2.awaitExit(Duration.ofSeconds(120));
            assertThat(status).as("node 2's exit status after losing ZooKeeper; log:%n%s", node2.log()).isEqualTo(75);
            assertThat(node2.log()).contains("its HA lock is lost");
            zk.restart();
            GatewayProcess restarted = GatewayProcess.launch(ClusterNodes.workDir(dir, 2), envs.get(1), "-Xmx256m");
            nodes.add(restarted);
            restarted.awaitGreetingWithin(Duration.ofSeconds(180));
            try (SmtpTestClient c = SmtpTestClient.connectEhlo(restarted.port())) {
                c.sendMail("s@example.org", List.of("u@example.com"),
                        "Subject: after zookeeper\r\n\r\nbody\r\n.\r\n".getBytes(StandardCharsets.US_ASCII));
            }
        } finally {
            nodes.forEach(GatewayProcess::close);
        }
    }

    /** Which node holds each of {@code ids}, as {@code queue list --json} run with {@code env} shows the cluster. */
    private Map<String, Integer> scheduledByNode(Map<String, String> env, Collection<String> ids) throws Exception {
        GatewayProcess.CommandResult list = GatewayProcess.command(dir.resolve("cli"), env, "queue", "list", "--json");
        assertThat(list.status()).as("queue list: %s", list.err()).isZero();
        Map<String, Integer> nodeById = new HashMap<>();
        for (org.apache.activemq.artemis.json.JsonValue v : org.apache.activemq.artemis.utils.JsonLoader.readArray(new java.io.StringReader(list.out()))) {
            String id = v.asJsonObject().getString("id");
            if (ids.contains(id)) {
                nodeById.put(id, v.asJsonObject().getInt("node"));
            }
        }
        return nodeById;
    }

    /** The queue IDs of the files in the Maildirs of both nodes, one per file. */
    private List<String> storedQueueIds() {
        return Stream.of(1, 2).flatMap(n -> Maildirs.delivered(ClusterNodes.dataDir(dir, n)).stream())
                .map(Maildirs.Delivered::queueId).toList();
    }
}
