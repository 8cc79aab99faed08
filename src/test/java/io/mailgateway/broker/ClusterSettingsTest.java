package io.mailgateway.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailgateway.config.ConfigException;
import io.mailgateway.config.GatewayConfig;
import io.mailgateway.message.QueueIds;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cluster and HA keys checked together, and the node in every queue ID. */
class ClusterSettingsTest {

    @TempDir
    Path locks;

    private ClusterSettings settings(String... keyValues) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            env.put(keyValues[i], keyValues[i + 1]);
        }
        return ClusterSettings.from(GatewayConfig.load(env, new Properties()));
    }

    @Test
    void should_be_a_node_on_its_own_by_default() {
        ClusterSettings s = settings();
        assertThat(s.clustered()).isFalse();
        assertThat(s.highlyAvailable()).isFalse();
    }

    @Test
    void should_read_a_replicating_cluster_member() {
        ClusterSettings s = settings("NODE_ID", "2", "CLUSTER_PORT", "7001", "CLUSTER_HOST", "10.0.0.2",
                "CLUSTER_PEERS", "10.0.0.1:7001, 10.0.0.3:7001",
                "CLUSTER_PASSWORD", "x", "HA_LOCK_MANAGER", "file", "HA_LOCKS_DIR", locks.toString(),
                "HA_REPLICA_OF", "1", "HA_REPLICA_PORT", "7002");
        assertThat(s.peers()).containsExactly("10.0.0.1:7001", "10.0.0.3:7001");
        assertThat(s.lockManagerClass()).isEqualTo(ClusterSettings.FILE_LOCK_MANAGER);
        assertThat(s.lockManagerProperties()).containsEntry("locks-folder", locks.toString());
        assertThat(s.replicaOf()).isEqualTo(1);
    }

    @Test
    void should_hand_the_zookeeper_ensemble_to_curator_in_its_namespace() {
        ClusterSettings s = settings("NODE_ID", "2", "CLUSTER_PORT", "7001", "CLUSTER_PEERS", "10.0.0.1:7001",
                "CLUSTER_HOST", "node2.example.com", "CLUSTER_PASSWORD", "x", "HA_LOCK_MANAGER", "zookeeper",
                "HA_ZOOKEEPER_CONNECT", " 10.0.0.31:2181, zk2.example.com:2181,[fd00::33]:2181 ",
                "HA_REPLICA_OF", "1", "HA_REPLICA_PORT", "7002");
        assertThat(s.highlyAvailable()).isTrue();
        assertThat(s.lockManagerClass()).isEqualTo(ClusterSettings.ZOOKEEPER_LOCK_MANAGER);
        assertThat(s.lockManagerProperties()).containsOnly(
                Map.entry("connect-string", "10.0.0.31:2181, zk2.example.com:2181,[fd00::33]:2181"),
                Map.entry("namespace", "mail-gateway"));
        assertThat(settings("NODE_ID", "1", "CLUSTER_PORT", "7001", "CLUSTER_PASSWORD", "x", "HA_LOCK_MANAGER", "zookeeper",
                "HA_ZOOKEEPER_CONNECT", "zk1,zk2:2181/gateways").lockManagerProperties())
                .containsEntry("connect-string", "zk1,zk2:2181/gateways");
    }

    @Test
    void should_refuse_a_zookeeper_connect_string_zookeeper_cannot_read() {
        for (String bad : new String[] {"zk1;zk2", "zk1:2181 zk2:2181", "zk1:port", "zookeeper://zk1:2181", "zk1:2181,,zk2:2181"}) {
            assertThatThrownBy(() -> settings("NODE_ID", "1", "CLUSTER_PORT", "7001", "CLUSTER_PASSWORD", "x",
                    "HA_LOCK_MANAGER", "zookeeper", "HA_ZOOKEEPER_CONNECT", bad))
                    .as(bad).isInstanceOf(ConfigException.class).hasMessageContaining("HA_ZOOKEEPER_CONNECT");
        }
        assertThatThrownBy(() -> settings("NODE_ID", "1", "CLUSTER_PORT", "7001", "CLUSTER_PASSWORD", "x", "HA_LOCK_MANAGER", "zookeeper"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("HA_ZOOKEEPER_CONNECT");
    }

    @Test
    void should_refuse_what_cannot_work_with_the_key_to_fix() {
        assertThatThrownBy(() -> settings("CLUSTER_PORT", "7001", "CLUSTER_PASSWORD", "x"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("NODE_ID");
        assertThatThrownBy(() -> settings("NODE_ID", "1", "CLUSTER_PORT", "7001"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("CLUSTER_PASSWORD");
        assertThatThrownBy(() -> settings("HA_LOCK_MANAGER", "file"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("CLUSTER_PORT");
        assertThatThrownBy(() -> settings("NODE_ID", "1", "CLUSTER_PORT", "7001", "CLUSTER_PASSWORD", "x", "HA_LOCK_MANAGER", "file"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("HA_LOCKS_DIR");
        assertThatThrownBy(() -> settings("NODE_ID", "1", "CLUSTER_PORT", "7001", "CLUSTER_PASSWORD", "x", "HA_REPLICA_OF", "2",
                "HA_REPLICA_PORT", "7002")).isInstanceOf(ConfigException.class).hasMessageContaining("HA_LOCK_MANAGER");
        assertThatThrownBy(() -> settings("NODE_ID", "1", "CLUSTER_PORT", "7001", "CLUSTER_PASSWORD", "x", "HA_LOCK_MANAGER", "zookeeper",
                "HA_ZOOKEEPER_CONNECT", "zk:2181", "HA_REPLICA_OF", "1", "HA_REPLICA_PORT", "7002"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("its own replica");
        assertThatThrownBy(() -> settings("NODE_ID", "1", "CLUSTER_PORT", "7001", "CLUSTER_PASSWORD", "x", "HA_LOCK_MANAGER", "file",
                "HA_LOCKS_DIR", locks.toString(), "HA_REPLICA_OF", "2")).isInstanceOf(ConfigException.class).hasMessageContaining("HA_REPLICA_PORT");
    }

    /** The replica would dial its own loopback, and the peers could not reach this node. */
    @Test
    void should_refuse_a_loopback_cluster_host_with_a_peer_on_another_machine() {
        assertThatThrownBy(() -> settings("NODE_ID", "2", "CLUSTER_PORT", "7001", "CLUSTER_PASSWORD", "x",
                "CLUSTER_PEERS", "127.0.0.1:7101,10.0.0.11:7001")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("CLUSTER_HOST").hasMessageContaining("10.0.0.11:7001");
        assertThatThrownBy(() -> settings("NODE_ID", "2", "CLUSTER_PORT", "7001", "CLUSTER_PASSWORD", "x", "CLUSTER_HOST", "::1",
                "CLUSTER_PEERS", "mx1.example.com:7001")).isInstanceOf(ConfigException.class).hasMessageContaining("CLUSTER_HOST");
        // Every node on this machine (tests, one-machine trials): fine.
        assertThat(settings("NODE_ID", "2", "CLUSTER_PORT", "7001", "CLUSTER_PASSWORD", "x",
                "CLUSTER_PEERS", "127.0.0.1:7101,localhost:7201,127.0.0.3:7301").peers()).hasSize(3);
    }

    /** Not created: a missing directory is most often a shared mount that is not mounted. */
    @Test
    void should_refuse_a_locks_dir_that_does_not_exist() {
        assertThatThrownBy(() -> settings("NODE_ID", "1", "CLUSTER_PORT", "7001", "CLUSTER_PASSWORD", "x", "HA_LOCK_MANAGER", "file",
                "HA_LOCKS_DIR", locks.resolve("not-mounted").toString())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("HA_LOCKS_DIR").hasMessageContaining("not-mounted");
    }

    @Test
    void should_carry_the_node_in_every_queue_id() {
        QueueIds.useNode(4242);
        assertThat(QueueIds.nodeOf(QueueIds.next())).isEqualTo(4242);
        QueueIds.useNode(1);
        assertThat(QueueIds.nodeOf(QueueIds.next())).isEqualTo(1);
        assertThatThrownBy(() -> QueueIds.useNode(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
