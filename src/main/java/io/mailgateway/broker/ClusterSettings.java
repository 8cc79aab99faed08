package io.mailgateway.broker;

import io.mailgateway.config.ConfigException;
import io.mailgateway.config.GatewayConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What {@link ClusterKeys} say, checked together: a node on its own ({@link #NONE}), a member of
 * an Artemis cluster, and optionally a primary whose replica runs on another node and the keeper
 * of another node's replica.
 */
public record ClusterSettings(int nodeId, String host, int port, List<String> peers, String user, String password,
                              long redistributionDelayMillis, String lockManager, Map<String, String> lockManagerProperties,
                              int replicaOf, int replicaPort) {

    public static final ClusterSettings NONE = new ClusterSettings(0, "127.0.0.1", 0, List.of(), "", "", -1,
            "none", Map.of(), 0, 0);

    /** Artemis' pluggable lock managers (artemis-lockmanager-ri). */
    static final String FILE_LOCK_MANAGER = "org.apache.activemq.artemis.lockmanager.file.FileBasedLockManager";
    static final String ZOOKEEPER_LOCK_MANAGER = "org.apache.activemq.artemis.lockmanager.zookeeper.CuratorDistributedLockManager";

    public static ClusterSettings from(GatewayConfig config) {
        int port = config.getInt("CLUSTER_PORT");
        int nodeId = config.getInt("NODE_ID");
        String lockManager = config.get("HA_LOCK_MANAGER");
        int replicaOf = config.getInt("HA_REPLICA_OF");
        if (port == 0) {
            if (!"none".equals(lockManager) || replicaOf != 0) {
                throw new ConfigException("CLUSTER_PORT", "HA (HA_LOCK_MANAGER, HA_REPLICA_OF) needs the cluster: set CLUSTER_PORT, CLUSTER_PEERS and CLUSTER_PASSWORD");
            }
            return new ClusterSettings(nodeId, "127.0.0.1", 0, List.of(), "", "", -1, "none", Map.of(), 0, 0);
        }
        if (nodeId == 0) {
            throw new ConfigException("NODE_ID", "a cluster member needs its own NODE_ID (1 to 65535), unique among the nodes");
        }
        String password = config.get("CLUSTER_PASSWORD");
        if (password == null || password.isBlank()) {
            throw new ConfigException("CLUSTER_PASSWORD", "required with CLUSTER_PORT, the same on every node (Artemis refuses its default cluster password)");
        }
        List<String> peers = Arrays.stream(config.get("CLUSTER_PEERS").split(","))
                .map(String::trim).filter(p -> !p.isEmpty()).toList();
        String host = config.get("CLUSTER_HOST").trim();
        if (loopback(host)) {
            peers.stream().filter(p -> !loopback(p.substring(0, p.lastIndexOf(':')))).findFirst().ifPresent(p -> {
                throw new ConfigException("CLUSTER_HOST", host + " is this machine only, but peer " + p + " is another:"
                        + " set CLUSTER_HOST to this node's address on the network the nodes share (the peers connect"
                        + " to it, and the topology announces it)");
            });
        }
        Map<String, String> properties = switch (lockManager) {
            case "file" -> {
                String dir = config.get("HA_LOCKS_DIR");
                if (dir == null || dir.isBlank()) {
                    throw new ConfigException("HA_LOCKS_DIR", "required with HA_LOCK_MANAGER=file: a directory the primary and its replica both see");
                }
                Path locks = Path.of(dir.trim()).toAbsolutePath();
                if (!Files.isDirectory(locks) || !Files.isWritable(locks)) {
                    // Not created here: a missing directory is most often a shared mount not
                    // mounted, and a local one would let the primary and its replica both go live.
                    throw new ConfigException("HA_LOCKS_DIR", locks + " is not a directory this process can write: create it,"
                            + " or mount the storage the primary and its replica share");
                }
                yield Map.of("locks-folder", locks.toString());
            }
            case "zookeeper" -> {
                String connect = config.get("HA_ZOOKEEPER_CONNECT");
                if (connect == null || connect.isBlank()) {
                    throw new ConfigException("HA_ZOOKEEPER_CONNECT", "required with HA_LOCK_MANAGER=zookeeper: host:port[,host:port...]");
                }
                yield Map.of("connect-string", connect.trim(), "namespace", "mail-gateway");
            }
            default -> Map.of();
        };
        int replicaPort = config.getInt("HA_REPLICA_PORT");
        if (replicaOf != 0) {
            if ("none".equals(lockManager)) {
                throw new ConfigException("HA_LOCK_MANAGER", "HA_REPLICA_OF needs a lock manager (file or zookeeper), the same as its primary's");
            }
            if (replicaOf == nodeId) {
                throw new ConfigException("HA_REPLICA_OF", "a node cannot keep its own replica: name another node's NODE_ID");
            }
            if (replicaPort == 0 || replicaPort == port) {
                throw new ConfigException("HA_REPLICA_PORT", "required with HA_REPLICA_OF, a port other than CLUSTER_PORT");
            }
        }
        return new ClusterSettings(nodeId, host, port, peers, config.get("CLUSTER_USER"),
                password, config.getLong("CLUSTER_REDISTRIBUTION_DELAY"), lockManager, properties, replicaOf, replicaPort);
    }

    /** Whether a host (name or literal, brackets allowed) is certainly this machine only; names other than localhost are not looked up. */
    static boolean loopback(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost") || h.toLowerCase(java.util.Locale.ROOT).endsWith(".localhost")) {
            return true;
        }
        if (!h.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
            return false; // a name: resolving it here could stall the start on DNS
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress(); // a literal: no lookup
        } catch (UnknownHostException e) {
            return false;
        }
    }

    public boolean clustered() {
        return port > 0;
    }

    public boolean highlyAvailable() {
        return !"none".equals(lockManager);
    }

    String lockManagerClass() {
        return "zookeeper".equals(lockManager) ? ZOOKEEPER_LOCK_MANAGER : FILE_LOCK_MANAGER;
    }

    /** The broker's name, and the HA group a primary and its replica share. */
    static String brokerName(int node) {
        return "mail-gateway-" + node;
    }

    static String haGroup(int node) {
        return "node-" + node;
    }
}
