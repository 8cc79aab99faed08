package io.mailgateway.broker;

import java.util.ArrayList;
import java.util.List;
import org.apache.activemq.artemis.core.config.ClusterConnectionConfiguration;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.ha.DistributedLockManagerConfiguration;
import org.apache.activemq.artemis.core.config.ha.ReplicationBackupPolicyConfiguration;
import org.apache.activemq.artemis.core.config.ha.ReplicationPrimaryPolicyConfiguration;
import org.apache.activemq.artemis.core.server.cluster.impl.MessageLoadBalancingType;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;

/**
 * Turns a broker configuration read from broker.xml into a member of the nodes' Artemis cluster
 * (docs/deployment.md), the same way for a node's primary and for the replica it keeps of
 * another node:
 * <ul>
 *   <li>an acceptor for the peers on CLUSTER_HOST, and a symmetric cluster connection with static
 *       connectors to CLUSTER_PEERS;</li>
 *   <li>{@code OFF_WITH_REDISTRIBUTION}: what a node accepts stays in its own queues (the 250 waits
 *       for the local journal, and its replica's, never for a peer), and a queue without consumers
 *       (an activated replica's) hands its messages to a node whose queue of the same name has
 *       consumers, after CLUSTER_REDISTRIBUTION_DELAY;</li>
 *   <li>with a lock manager, Artemis' replication: synchronous, so a durable send completes only
 *       when the primary's journal and its replica's both have it.</li>
 * </ul>
 */
final class BrokerCluster {

    static final String CLUSTER_CONNECTION = "mail-gateway-cluster";
    static final String CLUSTER_ACCEPTOR = "cluster";
    private static final String SELF_CONNECTOR = "self";

    private BrokerCluster() {
    }

    /** The primary of node {@code settings.nodeId()} on CLUSTER_PORT. */
    static void configurePrimary(Configuration configuration, ClusterSettings settings) throws Exception {
        join(configuration, settings, settings.nodeId(), settings.port());
        if (settings.highlyAvailable()) {
            ReplicationPrimaryPolicyConfiguration ha = ReplicationPrimaryPolicyConfiguration.withDefault()
                    .setDistributedManagerConfiguration(lockManager(settings))
                    .setGroupName(ClusterSettings.haGroup(settings.nodeId()))
                    .setClusterName(CLUSTER_CONNECTION);
            // The lock both members of the pair contend for: named by the pair, not by a random node UUID,
            // so an operator can tell the lock files (or ZooKeeper nodes) apart.
            ha.setCoordinationId(ClusterSettings.haGroup(settings.nodeId()));
            configuration.setHAPolicyConfiguration(ha);
        }
    }

    /** The replica this node keeps of node {@code settings.replicaOf()}, on HA_REPLICA_PORT. */
    static void configureReplica(Configuration configuration, ClusterSettings settings) throws Exception {
        join(configuration, settings, settings.replicaOf(), settings.replicaPort());
        configuration.setHAPolicyConfiguration(ReplicationBackupPolicyConfiguration.withDefault()
                .setDistributedManagerConfiguration(lockManager(settings))
                .setGroupName(ClusterSettings.haGroup(settings.replicaOf()))
                .setClusterName(CLUSTER_CONNECTION)
                // When the dead node returns, its broker first replicates from this one (now live with
                // the node's journal), then takes its role back, and this one is its replica again.
                .setAllowFailBack(true));
    }

    private static void join(Configuration configuration, ClusterSettings settings, int node, int port) throws Exception {
        configuration.setName(ClusterSettings.brokerName(node));
        configuration.setClusterUser(settings.user());
        configuration.setClusterPassword(settings.password());
        String self = "tcp://" + settings.host() + ":" + port;
        configuration.addAcceptorConfiguration(CLUSTER_ACCEPTOR, self + "?protocols=CORE");
        configuration.addConnectorConfiguration(SELF_CONNECTOR, self);
        List<String> peers = new ArrayList<>();
        for (String peer : settings.peers()) {
            String name = "peer-" + peer;
            configuration.addConnectorConfiguration(name, "tcp://" + peer);
            peers.add(name);
        }
        if (settings.replicaOf() != 0 && node != settings.replicaOf() && settings.replicaPort() > 0) {
            // The primary also knows the replica this process keeps, so the cluster sees it at once.
            String name = "local-replica";
            configuration.addConnectorConfiguration(name, "tcp://" + settings.host() + ":" + settings.replicaPort());
            peers.add(name);
        } else if (node == settings.replicaOf()) {
            String name = "local-primary";
            configuration.addConnectorConfiguration(name, "tcp://" + settings.host() + ":" + settings.port());
            peers.add(name);
        }
        configuration.addClusterConfiguration(new ClusterConnectionConfiguration()
                .setName(CLUSTER_CONNECTION)
                .setAddress("")
                .setConnectorName(SELF_CONNECTOR)
                .setStaticConnectors(peers)
                .setMessageLoadBalancingType(MessageLoadBalancingType.OFF_WITH_REDISTRIBUTION)
                .setMaxHops(1)
                .setRetryInterval(500)
                .setMaxRetryInterval(5000)
                .setRetryIntervalMultiplier(2.0)
                .setReconnectAttempts(-1)
                .setDuplicateDetection(true));
        for (AddressSettings address : configuration.getAddressSettings().values()) {
            address.setRedistributionDelay(settings.redistributionDelayMillis());
        }
        if (!configuration.getAddressSettings().containsKey("#")) {
            configuration.addAddressSetting("#", new AddressSettings().setRedistributionDelay(settings.redistributionDelayMillis()));
        }
    }

    private static DistributedLockManagerConfiguration lockManager(ClusterSettings settings) {
        return new DistributedLockManagerConfiguration(settings.lockManagerClass(), settings.lockManagerProperties());
    }
}
