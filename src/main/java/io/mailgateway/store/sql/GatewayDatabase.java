package io.mailgateway.store.sql;

import com.zaxxer.hikari.HikariDataSource;
import io.mailgateway.config.GatewayConfig;
import javax.sql.DataSource;

/**
 * The gateway's one SQL database (DB_URL, or SQLite in DATA_DIR/gateway.db): the SQL store's
 * tables and the users, aliases and audit log of AUTH, whether or not {@code sql} is in
 * STORAGE_TYPE. Opened and migrated once; whoever else needs it takes a {@link #share()}, so the
 * SQL store and AUTH use one pool (for SQLite that is also one writer, which the file lock would
 * impose anyway).
 *
 * <p>Lifecycle: {@link #open} (migrates; fails when the database cannot be reached), then each
 * holder closes its own share after the writers that use it; the pool closes with the last one.
 */
public final class GatewayDatabase implements AutoCloseable {

    private final HikariDataSource pool;
    private final boolean sqlite;
    private int holders = 1;
    private SqliteMaintenance maintenance;

    private GatewayDatabase(HikariDataSource pool, boolean sqlite) {
        this.pool = pool;
        this.sqlite = sqlite;
    }

    /** Opens the pool and brings the schema up to date (db/changelog). */
    public static GatewayDatabase open(GatewayConfig config) throws Exception {
        if (config.get("DB_URL").isEmpty()) {
            // The user commands may run before the gateway ever did: SQLite does not create directories.
            java.nio.file.Files.createDirectories(config.dataDir());
        }
        boolean sqlite = SqlDataSources.isSqlite(config);
        java.nio.file.Path file = sqlite ? SqliteLayout.file(SqlDataSources.sqliteUrl(config)) : null;
        if (file != null) {
            SqliteLayout.createIfMissing(file);
        }
        HikariDataSource pool = SqlDataSources.create(config, config.dataDir());
        try {
            SqlMigrations.migrate(pool);
            if (file != null) {
                SqliteLayout.reportExisting(pool, file);
            }
        } catch (Exception e) {
            pool.close();
            throw e;
        }
        return new GatewayDatabase(pool, sqlite);
    }

    /** The SQLite file the configuration names (DB_URL or $DATA_DIR/gateway.db), or null for PostgreSQL or an SQLite URI. */
    public static java.nio.file.Path sqliteFile(GatewayConfig config) {
        return SqlDataSources.isSqlite(config) ? SqliteLayout.file(SqlDataSources.sqliteUrl(config)) : null;
    }

    public static boolean isSqlite(GatewayConfig config) {
        return SqlDataSources.isSqlite(config);
    }

    /** Another holder of the same pool; close it when done, as the opener closes its own. */
    public synchronized GatewayDatabase share() {
        if (holders == 0) {
            throw new IllegalStateException("database already closed");
        }
        holders++;
        return this;
    }

    public DataSource dataSource() {
        return pool;
    }

    HikariDataSource pool() {
        return pool;
    }

    public boolean isSqlite() {
        return sqlite;
    }

    /**
     * For the gateway's own run (not the CLI's short ones): SQLite's incremental vacuum and
     * {@code PRAGMA optimize} every so often ({@link SqliteMaintenance}); nothing for PostgreSQL,
     * whose autovacuum does both.
     */
    public synchronized GatewayDatabase maintain(java.time.Duration vacuumEvery, java.time.Duration optimizeEvery) {
        if (sqlite && maintenance == null) {
            maintenance = SqliteMaintenance.start(pool, vacuumEvery, optimizeEvery);
        }
        return this;
    }

    /** Gives up one share; the pool closes when the last holder has closed. */
    @Override
    public void close() {
        synchronized (this) {
            if (holders == 0 || --holders > 0) {
                return;
            }
        }
        if (maintenance != null) {
            maintenance.close();
        }
        if (sqlite) {
            // SQLite's advice: run optimize before closing a connection that ran queries.
            try {
                SqliteMaintenance.optimize(pool);
            } catch (java.sql.SQLException | RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(GatewayDatabase.class).warn("sqlite optimize at close failed: {}", e.toString());
            }
        }
        pool.close();
    }

    @Override
    public String toString() {
        return "GatewayDatabase[" + pool.getJdbcUrl() + "]";
    }
}
