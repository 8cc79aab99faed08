package io.mailgateway.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;

/**
 * A real standalone ZooKeeper server in the test JVM, on a free loopback port, with its snapshots
 * and transaction log in a temporary directory: the server classes of the zookeeper jar the
 * gateway already ships for Artemis' {@code CuratorDistributedLockManager}, started the way
 * {@code ZooKeeperServerMain} does minus its admin HTTP server. The tick is ZooKeeper's default
 * (2 s), so the negotiated session timeouts (from 2 to 20 ticks) are those of a stock ensemble.
 * It can be stopped and started again on the same port with the same data, as an ensemble that
 * loses its quorum and gets it back.
 *
 * <p>Lifecycle: {@link #start} (listening on return), {@link #connectString}, {@link #tree},
 * {@link #stop} / {@link #restart}, {@link #close}.
 */
public final class LoopbackZooKeeper implements AutoCloseable {

    /** ZooKeeper's default tickTime (zoo.cfg), milliseconds. */
    public static final int TICK_MILLIS = 2000;

    private final Path data;
    private final Path log;
    private final int port;
    private ZooKeeperServer server;
    private ServerCnxnFactory connections;

    private LoopbackZooKeeper(Path data, Path log, int port) {
        this.data = data;
        this.log = log;
        this.port = port;
    }

    public static LoopbackZooKeeper start(Path dir) throws IOException, InterruptedException {
        LoopbackZooKeeper zk = new LoopbackZooKeeper(Files.createDirectories(dir.resolve("data")),
                Files.createDirectories(dir.resolve("log")), LocalDaemon.freePort());
        zk.restart();
        return zk;
    }

    /** Starts it (again) on its port with the data it had. */
    public synchronized void restart() throws IOException, InterruptedException {
        if (server != null) {
            throw new IllegalStateException("ZooKeeper is running");
        }
        server = new ZooKeeperServer(data.toFile(), log.toFile(), TICK_MILLIS);
        // NIO connections (the default factory): the gateway's zookeeper dependency excludes netty.
        connections = ServerCnxnFactory.createFactory(new InetSocketAddress("127.0.0.1", port), 100);
        connections.startup(server);
    }

    /** HA_ZOOKEEPER_CONNECT for this server. */
    public String connectString() {
        return "127.0.0.1:" + port;
    }

    /** Every znode path under {@code root}, root included, read from the server's own data tree. */
    public synchronized List<String> tree(String root) {
        List<String> paths = new ArrayList<>();
        paths.add(root);
        try {
            for (String child : server.getZKDatabase().getChildren(root, null, null)) {
                paths.addAll(tree(("/".equals(root) ? "" : root) + "/" + child));
            }
        } catch (KeeperException.NoNodeException gone) {
            // an ephemeral node that went away between the listing and the visit
        }
        return paths;
    }

    /** Stops the server; its clients lose their connection (and, past their timeout, their sessions). */
    public synchronized void stop() {
        if (server != null) {
            connections.shutdown();
            server.shutdown();
            server = null;
        }
    }

    @Override
    public void close() {
        stop();
    }
}
