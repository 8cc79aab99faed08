package io.mailgateway.store.sql;


import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;

/** Rows of {@code messages} for tests outside this package (column name, lower case, to value). */
public final class SqlTestRows {

    private SqlTestRows() {
    }

    /** Waits (at most 20 s) for the row of a queue ID and returns it. */
    public static Map<String, Object> await(DataSource ds, String queueId) {
        return org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> row(ds, queueId), r -> r != null);
    }

    public static long count(DataSource ds, String sql) throws SQLException {
        return SqlTestSupport.count(ds, sql);
    }

    private static Map<String, Object> row(DataSource ds, String queueId) throws SQLException {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT * FROM messages WHERE queue_id = ?")) {
            ps.setString(1, queueId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                Map<String, Object> row = new HashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    String name = rs.getMetaData().getColumnName(i).toLowerCase();
                    row.put(name, name.equals("body") ? rs.getBytes(i) : rs.getObject(i));
                }
                return row;
            }
        }
    }
}
