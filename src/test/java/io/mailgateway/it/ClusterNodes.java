package io.mailgateway.it;

import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the tests of several gateway processes share (ClusterFailoverIT, ZooKeeperFailoverIT):
 * the settings of N nodes on loopback forming one Artemis cluster in which node i keeps the
 * replica of node i-1's broker (node 1 of node N's: a ring), and reading from a survivor's log
 * when the replica of a killed node went live. The lock manager, the stores and the retry
 * schedule are each test's own.
 */
final class ClusterNodes {

    /** The line ReplicaBroker logs when it becomes live; the node number follows "node ". */
    private static final String LIVE = "'s broker is gone: its replica here is now LIVE";
    /** log4j2.xml's text pattern starts with %d{ISO8601}, in the JVM's zone. */
    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss,SSS");

    private final int nodes;
    private final int[] clusterPorts;
    private final int[] replicaPorts;

    /** Nodes 1..{@code nodes}, each with a free cluster port and a free replica port. */
    ClusterNodes(int nodes) {
        this.nodes = nodes;
        clusterPorts = new int[nodes + 1];
        replicaPorts = new int[nodes + 1];
        for (int n = 1; n <= nodes; n++) {
            clusterPorts[n] = GatewayProcess.freePort();
            replicaPorts[n] = GatewayProcess.freePort();
        }
    }

    /**
     * Node {@code n}'s environment: its DATA_DIR under {@code dir}/nodeN, the cluster, its place
     * in the replica ring, LOCAL_DOMAINS example.com, relay.test delivered to {@code hopPort} on
     * loopback, and no rate limit or DNS-based checks (they would only slow the nodes down).
     */
    Map<String, String> env(Path dir, int n, int hopPort) {
        List<String> peers = new ArrayList<>();
        for (int p = 1; p <= nodes; p++) {
            if (p != n) {
                peers.add("127.0.0.1:" + clusterPorts[p]);
            }
        }
        Map<String, String> env = new HashMap<>();
        env.put("DATA_DIR", dataDir(dir, n).toString());
        env.put("NODE_ID", String.valueOf(n));
        env.put("CLUSTER_PORT", String.valueOf(clusterPorts[n]));
        env.put("CLUSTER_PEERS", String.join(",", peers));
        env.put("CLUSTER_PASSWORD", "cluster-secret");
        env.put("HA_REPLICA_OF", String.valueOf(n == 1 ? nodes : n - 1));
        env.put("HA_REPLICA_PORT", String.valueOf(replicaPorts[n]));
        env.put("LOCAL_DOMAINS", "example.com");
        env.put("TRANSPORT_MAP", "relay.test=smtp:[127.0.0.1]:" + hopPort);
        env.put("RATE_LIMIT_ENABLED", "false");
        env.put("SPF_CHECK_ENABLED", "false");
        env.put("DKIM_VERIFY_ENABLED", "false");
        env.put("DMARC_CHECK_ENABLED", "false");
        env.put("LOG_LEVEL", "WARN");
        return env;
    }

    /** The working directory of node {@code n}'s process (its logs). */
    static Path workDir(Path dir, int n) {
        return dir.resolve("node" + n);
    }

    static Path dataDir(Path dir, int n) {
        return workDir(dir, n).resolve("data");
    }

    /** Whether any of {@code survivors} logged that its replica of node {@code node} is live. */
    static boolean replicaLive(List<GatewayProcess> survivors, int node) {
        return survivors.stream().anyMatch(s -> s.log().contains("node " + node + LIVE));
    }

    /** Waits (at most {@code timeout}) until a survivor's replica of node {@code node} is live. */
    static void awaitReplicaLive(List<GatewayProcess> survivors, int node, Duration timeout) {
        await("replica of node " + node + " live").atMost(timeout).pollInterval(Duration.ofMillis(100))
                .until(() -> replicaLive(survivors, node));
    }

    /**
     * Epoch milliseconds of the replica-live line of node {@code node} in {@code survivor}'s log,
     * from the line's own timestamp (the log is written asynchronously, so the file may see it later).
     */
    static long replicaLiveAt(GatewayProcess survivor, int node) {
        Matcher line = Pattern.compile("^(\\S+) .*node " + node + Pattern.quote(LIVE), Pattern.MULTILINE).matcher(survivor.log());
        if (!line.find()) {
            throw new AssertionError("no line saying node " + node + "'s replica is live");
        }
        return LocalDateTime.parse(line.group(1), LOG_TIME).atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
    }
}
