package io.mailgateway.broker;

import static io.mailgateway.config.Setting.any;
import static io.mailgateway.config.Setting.hostname;
import static io.mailgateway.config.Setting.integer;

import io.mailgateway.config.Setting;
import io.mailgateway.config.SettingGroup;
import java.util.List;

/**
 * Keys of several nodes (docs/deployment.md): the node's id, the Artemis cluster its embedded
 * broker joins, and the replica of another node's broker it keeps (HA). All off by default: one
 * node is an island with its own journal. The checks across keys (a cluster needs a password,
 * a replica needs a lock manager) are in {@link ClusterSettings#from}.
 */
public final class ClusterKeys implements SettingGroup {

    @Override
    public List<Setting> settings() {
        return List.of(
                new Setting("NODE_ID", "0",
                        "This node's number, unique among the nodes of a cluster (1 to 65535): it goes into every queue ID (so IDs never collide across nodes) and names the node's broker (mail-gateway-N) and its HA group (node-N). 0: one node on its own; queue IDs then carry a random node value.",
                        integer(0, 65535)),
                new Setting("CLUSTER_PORT", "0",
                        "Port of the broker acceptor this node's peers connect to (Artemis core protocol: the cluster's bridges and the replication of HA_REPLICA_OF), on CLUSTER_HOST. 0: no cluster.",
                        integer(0, 65535)),
                new Setting("CLUSTER_HOST", "127.0.0.1",
                        "Address the cluster acceptor (CLUSTER_PORT) and the replica's (HA_REPLICA_PORT) listen on and announce to the peers: this node's address on the network the nodes share (a loopback address is refused when a peer is on another machine).",
                        hostname()),
                new Setting("CLUSTER_PEERS", "",
                        "The other nodes' brokers, host:port (their CLUSTER_HOST:CLUSTER_PORT), comma-separated. Artemis learns the rest of the topology from any one it reaches.",
                        v -> v.isBlank() || v.trim().matches("[^,:\\s]+:\\d{1,5}(\\s*,\\s*[^,:\\s]+:\\d{1,5})*")
                                ? null : "must be host:port[,host:port...], got '" + v + "'"),
                new Setting("CLUSTER_USER", "mail-gateway-cluster",
                        "User the brokers of one cluster log in to each other with (the same on every node).", any()),
                new Setting("CLUSTER_PASSWORD", "",
                        "Password of CLUSTER_USER, the same on every node; required with CLUSTER_PORT (Artemis refuses its default cluster password since 2.54).",
                        any()),
                new Setting("CLUSTER_REDISTRIBUTION_DELAY", "1000",
                        "Milliseconds a queue without consumers on this node waits before its messages move to a node whose queue of the same name has them (Artemis redistribution): how an activated replica's mail drains to the live nodes.",
                        integer(0, 3_600_000)),
                new Setting("HA_LOCK_MANAGER", "none",
                        "Who decides which of a primary and its replica is live (Artemis pluggable lock manager): none (no HA), file (a lock file in HA_LOCKS_DIR, which both must see: one machine, or a shared directory), zookeeper (HA_ZOOKEEPER_CONNECT; for production).",
                        v -> v.matches("none|file|zookeeper") ? null : "must be none, file or zookeeper, got '" + v + "'"),
                new Setting("HA_LOCKS_DIR", "",
                        "HA_LOCK_MANAGER=file: the directory of the lock files, the same for a primary and its replica; it must exist and be writable (it is not created: a missing one is most often a shared mount not mounted).", any()),
                new Setting("HA_ZOOKEEPER_CONNECT", "",
                        "HA_LOCK_MANAGER=zookeeper: the ZooKeeper ensemble, host:port[,host:port...] (port 2181 when left out), the same on every node; a /chroot may follow, one per cluster sharing an ensemble.",
                        ClusterKeys::zooKeeperConnectProblem),
                new Setting("HA_REPLICA_OF", "0",
                        "NODE_ID of the node whose broker this node keeps a synchronous replica of (a second broker in this process, journal in $DATA_DIR/replica-of-N). When that node dies the replica becomes live and its mail, pending retries included, drains to the live nodes. 0: none. A ring (node i keeps node i-1's) gives every node a replica.",
                        integer(0, 65535)),
                new Setting("HA_REPLICA_PORT", "0",
                        "Port of the replica's broker acceptor on CLUSTER_HOST (required with HA_REPLICA_OF).",
                        integer(0, 65535)));
    }

    /** One ZooKeeper server: a host name, IPv4 or bracketed IPv6 address, and an optional port. */
    private static final String ZOOKEEPER_SERVER = "([A-Za-z0-9.\\-]+|\\[[0-9A-Fa-f:.]+\\])(:\\d{1,5})?";

    /**
     * ZooKeeper's connect string (its ConnectStringParser): servers separated by commas, then an
     * optional chroot path. Checked at startup so a typo stops the start naming the key, rather
     * than showing later as a lock manager that keeps trying to reach servers that do not exist.
     */
    static String zooKeeperConnectProblem(String v) {
        return v.isBlank() || v.trim().matches(ZOOKEEPER_SERVER + "(\\s*,\\s*" + ZOOKEEPER_SERVER + ")*(/[^\\s,]*)?")
                ? null : "must be host:port[,host:port...] (a chroot path may follow, as /path), got '" + v + "'";
    }
}
