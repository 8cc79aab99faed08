package io.mailgateway.store.sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Periodic upkeep of the gateway's SQLite file, on the pool's one connection (so it takes its turn
 * with the store's batches instead of waiting on the file lock): {@code PRAGMA incremental_vacuum}
 * gives the pages of deleted rows back to the file system (auto_vacuum=INCREMENTAL, see
 * {@link SqliteLayout}); {@code PRAGMA optimize} refreshes the planner's statistics where they
 * have drifted, as SQLite advises for long-lived connections.
 *
 * <p>Lifecycle: {@link #start}, then {@link #close} stops the timer; the last {@code PRAGMA optimize}
 * runs when the pool closes ({@link GatewayDatabase#close}).
 */
final class SqliteMaintenance implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SqliteMaintenance.class);
    private final DataSource dataSource;
    private final ScheduledExecutorService timer;

    private SqliteMaintenance(DataSource dataSource, ScheduledExecutorService timer) {
        this.dataSource = dataSource;
        this.timer = timer;
    }

    /** Each task every interval; an interval of zero leaves that task off. */
    static SqliteMaintenance start(DataSource dataSource, Duration vacuumEvery, Duration optimizeEvery) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sqlite-maintenance");
            t.setDaemon(true);
            return t;
        });
        SqliteMaintenance m = new SqliteMaintenance(dataSource, timer);
        if (!vacuumEvery.isZero()) {
            timer.scheduleWithFixedDelay(() -> m.run("incremental_vacuum", m::incrementalVacuum),
                    vacuumEvery.toMillis(), vacuumEvery.toMillis(), TimeUnit.MILLISECONDS);
        }
        if (!optimizeEvery.isZero()) {
            timer.scheduleWithFixedDelay(() -> m.run("optimize", () -> {
                optimize(dataSource);
                return null;
            }),
                    optimizeEvery.toMillis(), optimizeEvery.toMillis(), TimeUnit.MILLISECONDS);
        }
        return m;
    }

    /** Frees every page on the free list; returns how many were freed. */
    long incrementalVacuum() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            long before = SqliteLayout.single(s, "PRAGMA freelist_count");
            // The pragma frees one page per step of its statement, and the driver's execute()
            // steps once and leaves the statement open: so one statement per page, all in one
            // transaction (one sync, not one per page).
            c.setAutoCommit(false);
            try {
                for (long i = 0; i < before; i++) {
                    try (Statement page = c.createStatement()) {
                        page.execute("PRAGMA incremental_vacuum(1)");
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
            return before - SqliteLayout.single(s, "PRAGMA freelist_count");
        }
    }

    static void optimize(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("PRAGMA optimize");
        }
    }

    private interface Task {
        Object run() throws SQLException;
    }

    private void run(String name, Task task) {
        try {
            Object result = task.run();
            LOG.debug("sqlite {} done{}", name, result instanceof Long freed ? ": " + freed + " page(s) freed" : "");
        } catch (SQLException | RuntimeException e) {
            LOG.warn("sqlite {} failed: {}", name, e.toString());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
