package io.mailgateway.store.sql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.mailgateway.config.GatewayConfig;
import java.nio.file.Path;

/**
 * The SQL store's connection pool: PostgreSQL (a jdbc:postgresql: DB_URL; StoreKeys refuses any
 * other driver's URL) with DB_POOL_SIZE connections; otherwise SQLite (DATA_DIR/gateway.db, or a
 * jdbc:sqlite: DB_URL) with exactly one connection, because SQLite allows one writer at a time and
 * a second would only wait on the file lock.
 */
final class SqlDataSources {

    private SqlDataSources() {
    }

    static boolean isSqlite(GatewayConfig config) {
        return config.get("DB_URL").isEmpty() || config.get("DB_URL").startsWith("jdbc:sqlite:");
    }

    /** The SQLite JDBC URL: DB_URL, or the default file in DATA_DIR. */
    static String sqliteUrl(GatewayConfig config) {
        return config.get("DB_URL").isEmpty() ? "jdbc:sqlite:" + config.dataDir().resolve("gateway.db") : config.get("DB_URL");
    }

    static HikariDataSource create(GatewayConfig config, Path dataDir) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("sql-store");
        if (isSqlite(config)) {
            String url = config.get("DB_URL").isEmpty() ? "jdbc:sqlite:" + dataDir.resolve("gateway.db") : config.get("DB_URL");
            hc.setJdbcUrl(url);
            hc.setMaximumPoolSize(1);
            // sqlite-jdbc applies these pragmas on every connection it opens.
            hc.addDataSourceProperty("journal_mode", "WAL");
            // FULL, not the seed's NORMAL: the broker forgets a message once this store commits,
            // so the commit must survive a power cut too (NORMAL in WAL mode may lose the last
            // commits on power loss). Batching makes it one fsync per batch. WAL: readers (the
            // backup, an operator's query) never block the writer. Page size and auto_vacuum
            // are properties of the file, set when it is made (SqliteLayout).
            hc.addDataSourceProperty("synchronous", "FULL");
            hc.addDataSourceProperty("cache_size", "-64000");
            hc.addDataSourceProperty("temp_store", "MEMORY");
            hc.addDataSourceProperty("mmap_size", "268435456");
            hc.addDataSourceProperty("busy_timeout", "10000");
        } else {
            hc.setJdbcUrl(config.get("DB_URL"));
            hc.setUsername(emptyToNull(config.get("DB_USER")));
            hc.setPassword(emptyToNull(config.get("DB_PASSWORD")));
            hc.setMaximumPoolSize(config.getInt("DB_POOL_SIZE"));
            // While the database is away, a store step fails after this instead of hanging;
            // the broker then redelivers with backoff.
            hc.setConnectionTimeout(5_000);
            if (config.get("DB_URL").startsWith("jdbc:postgresql:")) {
                // A database that stops answering mid-statement (its host frozen, packets silently
                // dropped) would otherwise hold a store consumer in a socket read forever: the
                // batch routes wait for their transaction with no timer of their own. Parameters
                // in DB_URL take precedence over these.
                hc.addDataSourceProperty("socketTimeout", String.valueOf(socketTimeoutSeconds(config)));
                hc.addDataSourceProperty("tcpKeepAlive", "true");
            }
        }
        return new HikariDataSource(hc);
    }

    /** STORAGE_BATCH_TIMEOUT in whole seconds, at least 1 (pgjdbc's socketTimeout; 0 would mean never). */
    static long socketTimeoutSeconds(GatewayConfig config) {
        return Math.max(1, (config.duration("STORAGE_BATCH_TIMEOUT").toMillis() + 999) / 1000);
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
