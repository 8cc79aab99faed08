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
        return new MessageRow(queueId, 1_764_000_000_000L, "s@example.org", java.util.List.of("r@example.com"), "hello", body.length,
                "127.0.0.1", "client.test", null, false, body, null, null, null, null);
    }

    /** The schema before version 5 (src/test/resources/db/changelog-up-to-004.xml). */
    static final String UP_TO_004 = "db/changelog-up-to-004.xml";

    /** A row as version 3 and 4 wrote it: recipients only in the JSON column. */
    static void insertVersion4Row(DataSource ds, String queueId, String recipientsJson) throws SQLException {
        try (Connection c = ds.getConnection(); java.sql.PreparedStatement ps = c.prepareStatement(
                "INSERT INTO messages (queue_id, received_at, sender, recipients, size) VALUES (?, 1764000000000, 's@example.org', ?, 1)")) {
            ps.setString(1, queueId);
            ps.setString(2, recipientsJson);
            ps.executeUpdate();
        }
    }

    /** The checks on version 5 both databases share: the recipients table (new and backfilled rows), the status+time index. */
    static void assertVersion5(DataSource ds) throws Exception {
        org.assertj.core.api.Assertions.assertThat(tables(ds)).contains("message_recipients");
        org.assertj.core.api.Assertions.assertThat(indexes(ds, "messages"))
                .contains("idx_messages_status_received_at").doesNotContain("idx_messages_status");
        new MessageWriter(ds).insert(java.util.List.of(new MessageRow("NEW", 1_764_000_000_001L, "s@example.org",
                java.util.List.of("bob@example.com", "carol@example.net"), null, 1, null, null, null, false, new byte[] {1}, null, null, null, null)));
        org.assertj.core.api.Assertions.assertThat(count(ds,
                "SELECT COUNT(*) FROM message_recipients WHERE recipient = 'bob@example.com'")).isEqualTo(2); // OLD1 and NEW
        org.assertj.core.api.Assertions.assertThat(count(ds,
                "SELECT COUNT(*) FROM message_recipients WHERE recipient = 'dave@example.org'")).isEqualTo(1); // OLD2
        org.assertj.core.api.Assertions.assertThat(count(ds,
                "SELECT COUNT(*) FROM message_recipients WHERE queue_id = 'OLD3'")).isZero(); // a pre-JSON joined string
    }

    /** Rows written before version 5: two with JSON arrays, one from before version 3. */
    static void insertVersion4Rows(DataSource ds) throws SQLException {
        insertVersion4Row(ds, "OLD1", "[\"bob@example.com\",\"carol@example.net\"]");
        insertVersion4Row(ds, "OLD2", "[\"dave@example.org\",\"dave@example.org\"]");
        insertVersion4Row(ds, "OLD3", "erin@example.com,frank@example.com");
    }
}
