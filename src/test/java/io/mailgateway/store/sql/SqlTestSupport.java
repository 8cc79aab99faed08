package io.mailgateway.store.sql;

import io.mailgateway.config.GatewayConfig;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;

/** Small helpers shared by the SQL store tests. */
final class SqlTestSupport {

    private SqlTestSupport() {
    }

    static GatewayConfig config(Map<String, String> env) {
        return GatewayConfig.load(env, new Properties());
    }

    static long count(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static String string(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Table names (lower case) of the current schema. */
    static Set<String> tables(DataSource ds) throws SQLException {
        Set<String> names = new TreeSet<>();
        try (Connection c = ds.getConnection(); ResultSet rs = c.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
            while (rs.next()) {
                names.add(rs.getString("TABLE_NAME").toLowerCase());
            }
        }
        return names;
    }

    /** Index names (lower case) of one table. */
    static Set<String> indexes(DataSource ds, String table) throws SQLException {
        Set<String> names = new TreeSet<>();
        try (Connection c = ds.getConnection()) {
            DatabaseMetaData md = c.getMetaData();
            try (ResultSet rs = md.getIndexInfo(null, null, table, false, false)) {
                while (rs.next()) {
                    if (rs.getString("INDEX_NAME") != null) {
                        names.add(rs.getString("INDEX_NAME").toLowerCase());
                    }
                }
            }
        }
        return names;
    }

    static MessageRow row(String queueId, byte[] body) {
        return new MessageRow(queueId, 1_764_000_000_000L, "s@example.org", "r@example.com", "hello", body.length,
                "127.0.0.1", "client.test", null, false, body, null, null, null, null);
    }
}
