package io.mailgateway.broker;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A replicated primary that loses its lock (the lock manager unreachable: ZooKeeper's quorum
 * lost, its session expired) stops being live, so that a replica holding the lock cannot meet a
 * second live copy of the same journal. Artemis does not bring it back when the lock manager
 * returns; the gateway would answer 451 to every message until someone restarted it (seen with
 * ZooKeeper stopped under a live node). So, as after a journal I/O error: halt with status 75,
 * and the service manager's restart waits for the lock, then takes mail again by itself.
 * Acknowledged mail is in the journal and its replica either way.
 *
 * <p>Two checks in a row must find the broker inactive: a single look may fall in a fail-over
 * handshake. Only for HA brokers; {@link #close} comes before the gateway's own broker stop.
 */
final class LostLockWatchdog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LostLockWatchdog.class);
    static final long CHECK_SECONDS = 5;

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "broker-lock-watchdog");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closed;
    private int inactiveChecks;

    LostLockWatchdog(ActiveMQServer server, int nodeId) {
        timer.scheduleWithFixedDelay(() -> {
            if (closed) {
                return;
            }
            inactiveChecks = server.isActive() ? 0 : inactiveChecks + 1;
            if (inactiveChecks >= 2 && !closed) {
                EmbeddedBroker.haltForRestart("node " + nodeId + "'s broker is no longer live (its HA lock is lost: is the lock manager, e.g. ZooKeeper, reachable?)");
            }
        }, CHECK_SECONDS, CHECK_SECONDS, TimeUnit.SECONDS);
        LOG.debug("watching node {}'s broker for a lost HA lock every {} s", nodeId, CHECK_SECONDS);
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
    }
}
