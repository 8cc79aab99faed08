package io.mailgateway.store.sql;

import java.sql.Connection;
import javax.sql.DataSource;
import liquibase.Liquibase;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;

/**
 * Creates or brings up to date the SQL store's schema from the versioned SQL files under
 * {@code db/changelog/} (Liquibase formatted SQL). Changesets already applied, recorded in
 * DATABASECHANGELOG, are skipped, so running it again is a no-op.
 */
final class SqlMigrations {

    static final String CHANGELOG = "db/changelog/gateway-changelog.xml";

    private SqlMigrations() {
    }

    @SuppressWarnings("deprecation")
    static void migrate(DataSource dataSource) throws Exception {
        System.setProperty("liquibase.analytics.enabled", System.getProperty("liquibase.analytics.enabled", "false"));
        System.setProperty("liquibase.showBanner", System.getProperty("liquibase.showBanner", "false"));
        try (Connection c = dataSource.getConnection()) {
            Database db = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(c));
            try (Liquibase liquibase = new Liquibase(CHANGELOG, new ClassLoaderResourceAccessor(SqlMigrations.class.getClassLoader()), db)) {
                liquibase.update("");
            }
        }
    }
}
