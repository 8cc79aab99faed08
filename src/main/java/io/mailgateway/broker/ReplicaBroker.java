package io.mailgateway.broker;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.server.ActivateCallback;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The synchronous replica this node keeps of another node's broker (HA_REPLICA_OF): a second
 * Artemis server in this process, built from the same broker.xml (so its queues, diverts and
 * redelivery settings are the primary's), with its own journal in {@code $DATA_DIR/replica-of-N}
 * and only a cluster acceptor, on HA_REPLICA_PORT. While the primary lives it only copies the
 * primary's journal; when the primary dies and the lock manager gives it the pair's lock, it
 * becomes live with every message the primary acknowledged, scheduled retries included, and,
 * having no consumers of its own, redistributes them to the live nodes' queues.
 */
final class ReplicaBroker {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaBroker.class);

    private EmbeddedActiveMQ embedded;
    private volatile long liveSince;

    void start(URL brokerXml, Path dataDir, ClusterSettings settings, AdminCredentials credentials) throws Exception {
        Path home = dataDir.resolve("replica-of-" + settings.replicaOf());
        Files.createDirectories(home);
        embedded = new EmbeddedActiveMQ();
        embedded.setConfigResourcePath(brokerXml.toString());
        BrokerSecurity.install(embedded, credentials);
        embedded.createActiveMQServer();
        Configuration configuration = embedded.getConfiguration();
        configuration.setJournalDirectory(home.resolve("journal").toString());
        configuration.setBindingsDirectory(home.resolve("bindings").toString());
        configuration.setLargeMessagesDirectory(home.resolve("large-messages").toString());
        configuration.setPagingDirectory(home.resolve("paging").toString());
        configuration.setNodeManagerLockDirectory(home.toString());
        // No in-VM acceptor (vm://0 is this process's primary) and no admin port: only the peers talk to it.
        configuration.getAcceptorConfigurations().clear();
        BrokerSecurity.enable(configuration);
        BrokerCluster.configureReplica(configuration, settings);
        embedded.getActiveMQServer().registerActivateCallback(new ActivateCallback() {
            @Override
            public void activationComplete() {
                liveSince = System.currentTimeMillis();
                LOG.warn("node {}'s broker is gone: its replica here is now LIVE with node {}'s journal; its mail drains to the live nodes' queues",
                        settings.replicaOf(), settings.replicaOf());
            }

            @Override
            public void deActivate() {
                if (liveSince > 0) {
                    liveSince = 0;
                    LOG.warn("node {} is back and took its broker's role back: the replica here replicates it again", settings.replicaOf());
                }
            }
        });
        // Waiting for the primary (and, once it dies, for the lock) happens in Artemis' own threads.
        embedded.start();
        LOG.info("replica of node {}'s broker started on {}:{} with its journal in {}: it copies node {}'s journal once that"
                        + " broker connects (node {}'s broker_replica_in_sync is then 1), and becomes live if node {} dies",
                settings.replicaOf(), settings.host(), settings.replicaPort(), home, settings.replicaOf(), settings.replicaOf(),
                settings.replicaOf());
    }

    /** Epoch milliseconds at which the replica became live (its primary died), 0 while it only replicates. */
    long liveSince() {
        return liveSince;
    }

    /** The replica's Artemis server (tests, health), or null before start. */
    ActiveMQServer server() {
        return embedded == null ? null : embedded.getActiveMQServer();
    }

    void stop() throws Exception {
        if (embedded != null) {
            embedded.stop();
            embedded = null;
        }
    }
}
