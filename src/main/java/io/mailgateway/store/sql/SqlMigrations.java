package io.mailgateway.store.sql;

import java.sql.Connection;
import javax.sql.DataSource;
import java.util.Map;
import liquibase.Liquibase;
import liquibase.Scope;
import liquibase.UpdateSummaryOutputEnum;
import liquibase.ui.LoggerUIService;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates or brings up to date the gateway database's schema (SQL store, users, audit log) from the versioned SQL files under
 * {@code db/changelog/} (Liquibase formatted SQL). Changesets already applied, recorded in
 * DATABASECHANGELOG, are skipped, so running it again is a no-op.
 */
final class SqlMigrations {

    static final String CHANGELOG = "db/changelog/gateway-changelog.xml";
    private static final Logger LOG = LoggerFactory.getLogger(SqlMigrations.class);
    /** The advisory lock's key on PostgreSQL: any constant other applications are unlikely to use. */
    private static final long MIGRATION_LOCK_KEY = 0x6d61696c67770001L;
    /**
     * Liquibase logs through java.util.logging, beside the gateway's log4j lines and in another
     * format; only its warnings are kept. Held here so the level is not lost to garbage collection.
     */
    private static final java.util.logging.Logger LIQUIBASE_LOG = java.util.logging.Logger.getLogger("liquibase");

    private SqlMigrations() {
    }

    static void migrate(DataSource dataSource) throws Exception {
        migrate(dataSource, CHANGELOG);
    }

    /** Applies the changesets of {@code changelog} (a classpath resource) not yet applied. */
    static void migrate(DataSource dataSource, String changelog) throws Exception {
        System.setProperty("liquibase.analytics.enabled", System.getProperty("liquibase.analytics.enabled", "false"));
        System.setProperty("liquibase.showBanner", System.getProperty("liquibase.showBanner", "false"));
        LIQUIBASE_LOG.setLevel(java.util.logging.Level.WARNING);
        try (Connection c = dataSource.getConnection();
                ClassLoaderResourceAccessor resources = new ClassLoaderResourceAccessor(SqlMigrations.class.getClassLoader())) {
            boolean postgres = c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT).contains("postgres");
            if (postgres) {
                lockAgainstOtherNodes(c);
            }
            try {
                update(c, changelog, resources);
            } finally {
                if (postgres) {
                    unlock(c);
                }
            }
        }
    }

    /**
     * Nodes of a cluster that start together against one PostgreSQL would otherwise race to create
     * Liquibase's own DATABASECHANGELOG tables (its lock table protects the changesets, not its own
     * creation): the loser fails to start. A session advisory lock makes them take turns; the
     * second finds the schema up to date. SQLite is one process's file and needs none.
     */
    private static void lockAgainstOtherNodes(Connection c) throws java.sql.SQLException {
        try (java.sql.Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_lock(" + MIGRATION_LOCK_KEY + ")");
        }
    }

    private static void unlock(Connection c) throws java.sql.SQLException {
        try (java.sql.Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_unlock(" + MIGRATION_LOCK_KEY + ")");
        }
    }

    /**
     * Not closed: closing Liquibase closes the connection, and the caller still holds its advisory
     * lock on it. The caller closes the connection.
     */
    @SuppressWarnings({"deprecation", "resource"})
    private static void update(Connection c, String changelog, ClassLoaderResourceAccessor resources) throws Exception {
        Database db = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(c));
        Liquibase liquibase = new Liquibase(changelog, resources, db);
        int pending = liquibase.listUnrunChangeSets(null, null).size();
        // Its update summary goes to its (quietened) log, not stdout: the user commands'
        // stdout is their output (`user list`), and the gateway logs its own line below.
        liquibase.setShowSummaryOutput(UpdateSummaryOutputEnum.LOG);
        // Its messages to a user go to its (quietened) log instead of stdout.
        Scope.child(Map.of(Scope.Attr.ui.name(), new LoggerUIService()), () -> liquibase.update(""));
        LOG.info("gateway database (SQL store, users, audit log): {} schema up to date ({} changeset(s) applied now)", db.getDatabaseProductName(), pending);
    }
}
