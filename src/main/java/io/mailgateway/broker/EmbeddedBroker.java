package io.mailgateway.broker;

import java.net.URL;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.DivertConfiguration;
import org.apache.activemq.artemis.core.server.ComponentConfigurationRoutingType;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded Artemis broker, started from broker.xml with its journal under DATA_DIR, and the
 * fan-out the gateway relies on: one durable multicast queue {@code store.NAME} per enabled
 * store on the address {@value #ACCEPTED_ADDRESS}. A store switched off keeps its queue (and any
 * messages still in it) but the queue is disabled, so no new mail piles up there. Each enabled store
 * also gets its dead-letter queue {@code store.NAME.dlq} (anycast), fed by the store's route
 * (a permanent failure, with its reason) and by the broker itself: a message that reaches
 * max-delivery-attempts of mail.accepted goes to {@value #STORE_DEAD_LETTERS} (broker.xml), and a
 * divert per store forwards it to that store's DLQ by its original queue.
 *
 * <p>Lifecycle: {@link #recordMetricsInto} (optional), {@link #start} before the Camel routes,
 * {@link #stop} after them.
 */
public final class EmbeddedBroker {

    public static final String ACCEPTED_ADDRESS = "mail.accepted";
    /** The dead-letter address of mail.accepted in broker.xml, sorted into store.NAME.dlq by diverts. */
    public static final String STORE_DEAD_LETTERS = "store.dead-letters";
    /** The in-VM URL clients of this process use. */
    public static final String IN_VM_URL = "vm://0";
    /**
     * Messages over this many octets are sent to the broker streamed (a large message, stored in
     * its own file, never whole in the heap); smaller ones are one journal record. 256 KiB, the
     * default SPOOL_THRESHOLD: a message the listener holds in memory goes as a record. Artemis'
     * own default is 100 KiB, but a large message costs a file of its own with its own sync, and a
     * spooled copy in each store's consumer: measured at 100 sessions, 110 KB messages took 2.1-3.8
     * ms of CPU each as large messages and 1.6-1.8 ms as records (docs/performance.md). The
     * journal's largest record (its 490 KiB write buffer) bounds it; AcceptedQueueTest checks
     * that a message just under it is one record.
     */
    public static final long STREAM_ABOVE = 262_144;
    /** Name of the loopback acceptor the queue CLI connects to (BROKER_PORT). */
    public static final String ADMIN_ACCEPTOR = "admin";
    /** The administrative acceptor listens on loopback only. */
    public static final String ADMIN_HOST = "127.0.0.1";

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);

    private volatile EmbeddedActiveMQ embedded;
    private ReplicaBroker replica;
    private JournalLock journalLock;
    private io.micrometer.core.instrument.MeterRegistry metrics;
    private java.util.function.Consumer<Configuration> beforeStart;
    private java.util.concurrent.ScheduledExecutorService depthLogger;
    private LostLockWatchdog lockWatchdog;

    public static String storeQueue(String store) {
        return "store." + store;
    }

    /** A store's dead-letter queue (and its address), e.g. store.maildir.dlq. */
    public static String storeDeadLetterQueue(String store) {
        return storeQueue(store) + ".dlq";
    }

    /**
     * Before {@link #start}: {@code check} is given the broker's configuration as read from
     * broker.xml, before the broker starts (a setting that contradicts it then stops the start
     * before the journal is loaded).
     */
    public void checkBeforeStart(java.util.function.Consumer<Configuration> check) {
        this.beforeStart = check;
    }

    /** Before {@link #start}: the broker's queue meters go into {@code registry} (none without this call). */
    public void recordMetricsInto(io.micrometer.core.instrument.MeterRegistry registry) {
        this.metrics = registry;
    }

    /**
     * @param properties values broker.xml refers to as {@code ${name}} (Artemis substitutes
     *                   system properties), e.g. the delivery queue's redelivery settings
     *                   ({@link DeliverySettings#brokerProperties}); defaults for any left out
     * @param adminPort  the loopback port of the administrative acceptor the queue CLI connects to
     *                   ({@link #ADMIN_ACCEPTOR}, core protocol only); 0 means none
     * @param credentials the broker's one user, required on every acceptor ({@link BrokerSecurity})
     */
    public void start(URL brokerXml, Path dataDir, List<String> stores, java.util.Map<String, String> properties,
                      int adminPort, AdminCredentials credentials) throws Exception {
        start(brokerXml, dataDir, stores, properties, adminPort, credentials, ClusterSettings.NONE);
    }

    /**
     * Takes the {@link JournalLock} of {@code dataDir} now, before the start, which then keeps it
     * (until {@link #stop}): the gateway takes it before it touches anything in DATA_DIR (its spool
     * cleanup), so a second gateway started on the same DATA_DIR is refused before it deletes the
     * running one's spool files. Throws when another process (or another broker here) holds it.
     */
    public void lockDataDir(Path dataDir) throws java.io.IOException {
        if (journalLock != null) {
            return;
        }
        journalLock = JournalLock.tryAcquire(dataDir);
        if (journalLock == null) {
            throw new IllegalStateException("another gateway's broker runs on " + dataDir.resolve("broker")
                    + " (it holds journal.lock): one gateway per DATA_DIR");
        }
    }

    /**
     * As above, and with {@code cluster} clustered: the broker joins the nodes' Artemis cluster, as a
     * replicated primary when a lock manager is set, and this process also starts the replica it keeps
     * of another node (HA_REPLICA_OF; {@link ReplicaBroker}).
     */
    public void start(URL brokerXml, Path dataDir, List<String> stores, java.util.Map<String, String> properties,
                      int adminPort, AdminCredentials credentials, ClusterSettings cluster) throws Exception {
        // broker.xml refers to ${mailgateway.data.dir}; Artemis substitutes system properties.
        System.setProperty("mailgateway.data.dir", dataDir.toString());
        lockDataDir(dataDir);
        java.util.Map<String, String> values = new java.util.HashMap<>(DeliverySettings.DEFAULT_BROKER_PROPERTIES);
        values.putAll(properties);
        values.forEach(System::setProperty);
        embedded = new EmbeddedActiveMQ();
        embedded.setConfigResourcePath(brokerXml.toString());
        BrokerSecurity.install(embedded, credentials);
        // Reads broker.xml into embedded.getConfiguration(); start() builds the server from that.
        embedded.createActiveMQServer();
        if (metrics != null) {
            BrokerMetrics.install(embedded.getConfiguration(), metrics);
        }
        BrokerSecurity.enable(embedded.getConfiguration());
        if (adminPort > 0) {
            addAdminAcceptor(embedded.getConfiguration(), adminPort);
        }
        if (cluster.clustered()) {
            BrokerCluster.configurePrimary(embedded.getConfiguration(), cluster);
        }
        checkAdminPortFree(adminPort);
        if (beforeStart != null) {
            beforeStart.accept(embedded.getConfiguration());
        }
        embedded.start();
        embedded.getActiveMQServer().registerIOCriticalErrorListener(EmbeddedBroker::haltOnCriticalIoError);
        if (cluster.highlyAvailable()) {
            awaitLive(cluster);
        }
        requireActive(adminPort);
        if (cluster.highlyAvailable()) {
            lockWatchdog = new LostLockWatchdog(embedded.getActiveMQServer(), cluster.nodeId());
            if (metrics != null) {
                ActiveMQServer primary = embedded.getActiveMQServer();
                // HA that is configured is not HA that holds: a replica that never connected, or
                // fell behind, leaves every acknowledged message on this disk only.
                io.micrometer.core.instrument.Gauge.builder("broker_replica_in_sync", () -> primary.isReplicaSync() ? 1 : 0)
                        .description("1 while this node's broker has a replica on another node that holds its whole journal (HA); 0: its mail is on this disk only")
                        .register(metrics);
            }
        }
        bindStoreQueues(stores);
        if (cluster.replicaOf() != 0) {
            replica = new ReplicaBroker();
            replica.start(brokerXml, dataDir, cluster, credentials);
            if (metrics != null) {
                ReplicaBroker running = replica;
                io.micrometer.core.instrument.Gauge.builder("broker_replica_live", () -> running.liveSince() > 0 ? 1 : 0)
                        .description("1 when the replica this node keeps of another node's broker (HA_REPLICA_OF) has become live because that node died")
                        .tag("of_node", Integer.toString(cluster.replicaOf()))
                        .register(metrics);
            }
        }
        LOG.info("broker started from {} with journal in {}/broker{}", brokerXml, dataDir,
                adminPort > 0 ? "; administrative port " + ADMIN_HOST + ":" + adminPort + " (queue CLI)" : "");
    }

    /**
     * The acceptor the queue CLI uses, added here rather than in broker.xml so that an operator's
     * own broker.xml gets it too and BROKER_PORT=0 removes it. Loopback only, whatever
     * BIND_ADDRESS says: it is an administrative port (see docs/delivery.md for the trust model).
     */
    private static void addAdminAcceptor(Configuration configuration, int port) throws Exception {
        for (TransportConfiguration acceptor : configuration.getAcceptorConfigurations()) {
            if (ADMIN_ACCEPTOR.equals(acceptor.getName())) {
                return; // broker.xml declares its own
            }
        }
        configuration.addAcceptorConfiguration(ADMIN_ACCEPTOR, "tcp://" + ADMIN_HOST + ":" + port + "?protocols=CORE");
    }

    /**
     * Artemis logs a port it cannot bind ("Failure in initialisation") and carries on half started:
     * a gateway whose queue CLI would talk to some other process must not start. So: try the port
     * first (a clear message), then check the broker really came up.
     */
    private static void checkAdminPortFree(int port) {
        if (port <= 0) {
            return;
        }
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.setReuseAddress(true); // as Netty binds it; a port in TIME_WAIT is fine
            probe.bind(new java.net.InetSocketAddress(ADMIN_HOST, port));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("the broker's administrative port " + ADMIN_HOST + ":" + port
                    + " (BROKER_PORT) cannot be opened (" + e.getMessage() + "): another gateway or program uses it;"
                    + " choose another BROKER_PORT, or 0 for none");
        }
    }

    /** How long a returning primary may take to copy back and take over its role before the start fails. */
    static final java.time.Duration FAILBACK_TIMEOUT = java.time.Duration.ofMinutes(10);

    /**
     * A replicated primary is live at once, unless its node died and its replica took over: then
     * Artemis starts it as the replica of that replica, copies the journal back, and hands the role
     * back (fail-back). The gateway's routes need a live broker, so the start waits for that.
     */
    private void awaitLive(ClusterSettings cluster) throws InterruptedException {
        ActiveMQServer server = embedded.getActiveMQServer();
        if (server.isActive()) {
            return;
        }
        LOG.warn("node {}'s replica took over while this node was down: taking node {}'s role back from it (copying its journal first; at most {})",
                cluster.nodeId(), cluster.nodeId(), FAILBACK_TIMEOUT);
        long deadline = System.nanoTime() + FAILBACK_TIMEOUT.toNanos();
        while (!server.waitForActivation(10, java.util.concurrent.TimeUnit.SECONDS)) {
            if (System.nanoTime() > deadline) {
                return; // requireActive reports it
            }
            LOG.info("still waiting to take node {}'s broker back from its replica", cluster.nodeId());
        }
        LOG.warn("node {}'s broker is live again; its replica went back to replicating", cluster.nodeId());
    }

    private void requireActive(int port) throws Exception {
        if (!embedded.getActiveMQServer().isActive()) {
            stop();
            throw new IllegalStateException("the broker did not start (see the AMQ errors above)"
                    + (port > 0 ? "; is the administrative port " + ADMIN_HOST + ":" + port + " (BROKER_PORT) in use?" : ""));
        }
    }

    /** Exit status after the broker stopped itself on an I/O error (BSD EX_TEMPFAIL): restart me later. */
    public static final int EXIT_BROKER_IO_ERROR = 75;

    /**
     * Artemis stops an embedded broker for good after a critical journal I/O error (a full disk,
     * a failing device: AMQ222010) and never starts it again; the gateway would then only answer
     * 451 to every message. Its standalone broker halts the JVM instead, and so do we: what was
     * acknowledged is in the journal (the gateway is built for kill -9 at any moment), and the
     * service manager (systemd Restart=on-failure, docs/deployment.md) starts a fresh gateway,
     * which takes mail again as soon as the journal can be written (DiskSpaceGuard refuses new
     * mail with 452 4.3.1 while DATA_DIR is nearly full).
     */
    private static void haltOnCriticalIoError(Throwable cause, String message, String file) {
        haltForRestart("the broker stopped itself after an I/O error on " + file + " (" + message + ": "
                + (cause == null ? "" : cause.toString()) + ")");
    }

    /** Ends the process with {@link #EXIT_BROKER_IO_ERROR}, for the service manager to start a fresh gateway. */
    static void haltForRestart(String why) {
        LOG.error("{}; exiting with status {} so the service manager restarts the gateway; acknowledged mail is in the journal",
                why, EXIT_BROKER_IO_ERROR);
        org.apache.logging.log4j.LogManager.shutdown();
        Runtime.getRuntime().halt(EXIT_BROKER_IO_ERROR);
    }

    private void bindStoreQueues(List<String> stores) throws Exception {
        ActiveMQServer server = embedded.getActiveMQServer();
        Set<String> wanted = new HashSet<>();
        for (String store : stores) {
            String name = storeQueue(store);
            wanted.add(name);
            QueueConfiguration queue = QueueConfiguration.of(name)
                    .setAddress(ACCEPTED_ADDRESS)
                    .setRoutingType(RoutingType.MULTICAST)
                    .setDurable(true);
            server.createQueue(queue, true);
            server.updateQueue(QueueConfiguration.of(name).setEnabled(true));
            bindDeadLetterQueue(server, store);
        }
        for (SimpleString bound : server.bindingQuery(SimpleString.of(ACCEPTED_ADDRESS)).getQueueNames()) {
            if (!wanted.contains(bound.toString())) {
                Queue queue = server.locateQueue(bound);
                server.updateQueue(QueueConfiguration.of(bound.toString()).setEnabled(false));
                LOG.warn("queue {} belongs to a store that is not in STORAGE_TYPE: disabled, {} message(s) kept in it",
                        bound, queue == null ? 0 : queue.getMessageCount());
            }
        }
    }

    /**
     * store.NAME.dlq, and the divert that forwards what the broker itself dead-letters from
     * store.NAME (max-delivery-attempts of mail.accepted reached) to it. The broker stamps such a
     * copy with its original queue in {@code _AMQ_ORIG_QUEUE}; a copy no divert matches (a store
     * taken out of STORAGE_TYPE) stays in the queue {@value #STORE_DEAD_LETTERS}.
     */
    private static void bindDeadLetterQueue(ActiveMQServer server, String store) throws Exception {
        String dlq = storeDeadLetterQueue(store);
        server.createQueue(QueueConfiguration.of(dlq).setAddress(dlq).setRoutingType(RoutingType.ANYCAST)
                .setDurable(true).setAutoCreateAddress(true), true);
        String divert = "dead-letters-of-" + storeQueue(store);
        if (server.getPostOffice().getBinding(SimpleString.of(divert)) == null) {
            server.deployDivert(new DivertConfiguration()
                    .setName(divert)
                    .setAddress(STORE_DEAD_LETTERS)
                    .setForwardingAddress(dlq)
                    .setFilterString(Message.HDR_ORIGINAL_QUEUE + " = '" + storeQueue(store) + "'")
                    .setExclusive(true)
                    .setRoutingType(ComponentConfigurationRoutingType.ANYCAST));
        }
    }

    /**
     * Logs, every {@code interval}, how many messages wait in each store queue, while any does:
     * a store that is down shows as a growing number (metrics come later).
     */
    public void logDepths(List<String> stores, java.time.Duration interval) {
        depthLogger = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "store-queue-depths");
            t.setDaemon(true);
            return t;
        });
        depthLogger.scheduleWithFixedDelay(() -> {
            StringBuilder line = new StringBuilder();
            long total = 0;
            for (String store : stores) {
                long depth = depth(store);
                total += Math.max(depth, 0);
                line.append(' ').append(storeQueue(store)).append('=').append(depth);
            }
            if (total > 0) {
                LOG.info("messages waiting in store queues:{}", line);
            }
        }, interval.toMillis(), interval.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Messages waiting in a store's queue (for logs now, metrics later); -1 if there is no such queue. */
    public long depth(String store) {
        EmbeddedActiveMQ running = embedded;
        if (running == null) {
            return -1;
        }
        Queue queue = running.getActiveMQServer().locateQueue(SimpleString.of(storeQueue(store)));
        return queue == null ? -1 : queue.getMessageCount();
    }

    /** The running Artemis server (for management and tests), or null when stopped. */
    public ActiveMQServer server() {
        EmbeddedActiveMQ running = embedded;
        return running == null ? null : running.getActiveMQServer();
    }

    /** The replica this process keeps of another node's broker (HA_REPLICA_OF), or null. */
    public ActiveMQServer replicaServer() {
        return replica == null ? null : replica.server();
    }

    public void stop() throws Exception {
        if (lockWatchdog != null) {
            lockWatchdog.close(); // our own stop is not a lost lock
            lockWatchdog = null;
        }
        if (replica != null) {
            replica.stop();
            replica = null;
        }
        if (depthLogger != null) {
            depthLogger.shutdownNow();
            depthLogger = null;
        }
        if (embedded != null) {
            embedded.stop();
            embedded = null;
            LOG.info("broker stopped");
        }
        if (journalLock != null) {
            journalLock.close();
            journalLock = null;
        }
    }
}
