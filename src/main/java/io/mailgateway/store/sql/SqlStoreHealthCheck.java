package io.mailgateway.store.sql;

import io.mailgateway.metrics.ReadinessCheck;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * Readiness of the SQL store: its pool hands out a connection that the driver says is valid.
 * Bounded by the pool's connection timeout (5 s for PostgreSQL, SqlDataSources) plus the
 * validation timeout here.
 */
public final class SqlStoreHealthCheck extends ReadinessCheck {

    private static final int VALID_TIMEOUT_SECONDS = 2;

    private final DataSource dataSource;

    public SqlStoreHealthCheck(DataSource dataSource) {
        super("store-sql");
        this.dataSource = dataSource;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        try (Connection connection = dataSource.getConnection()) {
            if (connection.isValid(VALID_TIMEOUT_SECONDS)) {
                builder.up();
            } else {
                builder.message("database connection not valid").down();
            }
        } catch (SQLException | RuntimeException e) {
            builder.message("database unreachable: " + e.getMessage()).error(e).down();
        }
    }
}
