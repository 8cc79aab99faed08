package io.mailgateway.cli;

import io.mailgateway.broker.AdminCredentials;
import io.mailgateway.broker.ClusterSettings;
import io.mailgateway.broker.EmbeddedBroker;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.activemq.artemis.json.JsonObject;
import org.apache.activemq.artemis.json.JsonValue;
import org.apache.activemq.artemis.utils.JsonLoader;

/**
 * The brokers of the cluster the local gateway belongs to, for the queue commands: the members
 * the local broker's cluster connection knows (its topology through management
 * {@code listNetworkTopology}: the live brokers, an activated replica standing in for a dead node
 * among them), plus every CLUSTER_PEERS address not among them, because a node that is down
 * drops out of the topology and must be shown as unreachable, not silently left out. Each other
 * member is reached on its cluster acceptor as CLUSTER_USER ({@link QueueAdmin#connectMember}).
 */
final class ClusterMembers {

    private ClusterMembers() {
    }

    /**
     * Every member, reachable or not, sorted by node: the local gateway's broker over BROKER_PORT
     * (it may be down too), the others over their cluster acceptors. {@link QueueAdmin.Unreachable}
     * when not one answers.
     */
    static List<QueueNode> connect(int brokerPort, AdminCredentials credentials, ClusterSettings cluster) throws Exception {
        String address = EmbeddedBroker.ADMIN_HOST + ":" + brokerPort;
        QueueNode local;
        try {
            if (brokerPort <= 0) {
                throw new QueueAdmin.Unreachable(QueueCommand.NO_BROKER_PORT, null);
            }
            QueueAdmin admin = QueueAdmin.connect(EmbeddedBroker.ADMIN_HOST, brokerPort, credentials);
            local = QueueNode.reached(String.valueOf(admin.brokerAttribute("name")), address, true, admin);
        } catch (QueueAdmin.Unreachable | QueueAdmin.Refused e) {
            local = new QueueNode(cluster.nodeId(), address, true, null, e.getMessage());
        }
        List<QueueNode> members = withOthers(local, cluster);
        if (members.stream().noneMatch(QueueNode::reachable)) {
            StringBuilder why = new StringBuilder("no node of the cluster can be reached:");
            members.forEach(n -> why.append("\n  ").append(n.heading()).append(": ").append(n.unreachable()));
            throw new QueueAdmin.Unreachable(why.toString(), null);
        }
        return members;
    }

    /** {@code local}, then every other member the topology and CLUSTER_PEERS name. */
    private static List<QueueNode> withOthers(QueueNode local, ClusterSettings cluster) {
        Set<String> seenBrokers = new HashSet<>();
        Set<String> addresses = new LinkedHashSet<>();
        if (local.reachable()) {
            try {
                String localBroker = String.valueOf(local.admin().brokerAttribute("nodeID"));
                seenBrokers.add(localBroker);
                addresses.addAll(topology(local.admin(), localBroker));
            } catch (Exception e) {
                // no topology to ask for: CLUSTER_PEERS alone
            }
        }
        addresses.addAll(cluster.peers());
        addresses.remove(cluster.host() + ":" + cluster.port());
        List<QueueNode> nodes = new ArrayList<>();
        nodes.add(local);
        for (String address : addresses) {
            QueueNode member = member(address, cluster, seenBrokers);
            if (member != null) {
                nodes.add(member);
            }
        }
        nodes.sort(Comparator.comparingInt((QueueNode n) -> n.nodeId() == 0 ? Integer.MAX_VALUE : n.nodeId()));
        return nodes;
    }

    /** host:port of each live member but the local one. */
    private static List<String> topology(QueueAdmin admin, String localBroker) throws Exception {
        List<String> addresses = new ArrayList<>();
        for (JsonValue value : JsonLoader.readArray(new StringReader(String.valueOf(admin.invokeBroker("listNetworkTopology"))))) {
            JsonObject member = value.asJsonObject();
            String primary = member.containsKey("primary") ? member.getString("primary")
                    : member.containsKey("live") ? member.getString("live") : null;
            if (primary != null && !localBroker.equals(member.getString("nodeID", "")) && primary.matches(".+:\\d{1,5}")) {
                addresses.add(primary);
            }
        }
        return addresses;
    }

    /**
     * The member at {@code address}, or null when it is a broker already reached by another
     * address (CLUSTER_PEERS may spell it differently from the topology).
     */
    private static QueueNode member(String address, ClusterSettings cluster, Set<String> seenBrokers) {
        int colon = address.lastIndexOf(':');
        String host = address.substring(0, colon);
        int port = Integer.parseInt(address.substring(colon + 1));
        QueueAdmin admin;
        try {
            admin = QueueAdmin.connectMember(host.contains(":") ? "[" + host + "]" : host, port, cluster.user(), cluster.password());
        } catch (QueueAdmin.Unreachable | QueueAdmin.Refused e) {
            return QueueNode.unreachable(address, false, e.getMessage());
        } catch (Exception e) {
            return QueueNode.unreachable(address, false, e.toString());
        }
        try {
            if (!seenBrokers.add(String.valueOf(admin.brokerAttribute("nodeID")))) {
                admin.close();
                return null;
            }
            return QueueNode.reached(String.valueOf(admin.brokerAttribute("name")), address, false, admin);
        } catch (Exception e) {
            admin.close();
            return QueueNode.unreachable(address, false, "its broker's management did not answer: " + e.getMessage());
        }
    }
}
