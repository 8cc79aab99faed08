package io.mailgateway.store.sql;

import com.zaxxer.hikari.HikariDataSource;
import io.mailgateway.config.GatewayConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.sql.DataSource;

/**
 * The measurement in docs/storage.md ("SQLite settings and indexes"), not a test: N messages (1 KiB
 * inline bodies, 2 recipients out of 1,000, one per second of received time) inserted in batches of
 * 100 as the SQL store's batch writer does, then 500 lookups by recipient and 500 one-hour
 * "status = stored" time ranges; once on the schema and file layout before version 5 (4 KiB pages,
 * no auto-vacuum, recipients only in the JSON column, status index alone), once on today's.
 *
 * <p>Run: {@code ./mvnw -q test-compile && java -cp 'target/classes:target/test-classes:target/lib/*'
 * io.mailgateway.store.sql.SqliteIndexBench /tmp/bench 100000}
 */
public final class SqliteIndexBench {

    private static final int BATCH = 100;
    private static final int QUERIES = 500;
    private static final long T0 = 1_764_000_000_000L;

    private SqliteIndexBench() {
    }

    public static void main(String[] args) throws Exception {
        Path base = Path.of(args[0]);
        int n = Integer.parseInt(args[1]);
        System.out.printf("%-8s %12s %16s %16s %10s%n", "schema", "insert/s", "by recipient ms", "status+time ms", "file MiB");
        for (String label : args.length > 2 ? args[2].split(",") : new String[] {"before", "after"}) {
            run(label, base.resolve(label), n);
        }
    }

    private static void run(String label, Path dir, int n) throws Exception {
        Files.createDirectories(dir);
        Files.deleteIfExists(dir.resolve("gateway.db"));
        GatewayConfig config = GatewayConfig.load(Map.of("DATA_DIR", dir.toString()), new Properties());
        boolean after = !label.equals("before");
        DataSource ds;
        AutoCloseable closer;
        if (label.equals("indexes")) {
            // Version 5's schema on a file of the old layout: what the indexes alone cost.
            HikariDataSource pool = SqlDataSources.create(config, dir);
            SqlMigrations.migrate(pool);
            ds = pool;
            closer = pool;
        } else if (after) {
            GatewayDatabase db = GatewayDatabase.open(config);
            ds = db.dataSource();
            closer = db;
        } else {
            HikariDataSource pool = SqlDataSources.create(config, dir);
            SqlMigrations.migrate(pool, "db/changelog-up-to-004.xml");
            ds = pool;
            closer = pool;
        }
        try (closer) {
            MessageWriter writer = new MessageWriter(ds);
            byte[] body = new byte[1024];
            long start = System.nanoTime();
            for (int i = 0; i < n; i += BATCH) {
                List<MessageRow> rows = new ArrayList<>();
                for (int j = i; j < Math.min(n, i + BATCH); j++) {
                    rows.add(new MessageRow(String.format("Q%09d", j), // ordered in time, as real queue IDs are
                             T0 + j * 1000L, "s@example.org", List.of(rcpt(j), rcpt(j * 7 + 3)), "subject " + j,
                            body.length, "192.0.2.1", "client.test", null, false, body, null, null, null, null));
                }
                if (after) {
                    writer.insert(rows);
                } else {
                    insertVersion4(ds, rows);
                }
            }
            double insertPerSecond = n / ((System.nanoTime() - start) / 1e9);
            double byRecipient = timeQueries(ds, after
                    ? "SELECT m.queue_id FROM message_recipients r JOIN messages m ON m.queue_id = r.queue_id"
                    + " WHERE r.recipient = ? ORDER BY r.received_at DESC LIMIT 50"
                    : "SELECT queue_id FROM messages WHERE recipients LIKE ? ORDER BY received_at DESC LIMIT 50",
                    (ps, q) -> ps.setString(1, after ? rcpt(q * 13) : "%\"" + rcpt(q * 13) + "\"%"));
            double byTime = timeQueries(ds, "SELECT COUNT(*) FROM messages WHERE status = 'stored' AND received_at >= ? AND received_at < ?",
                    (ps, q) -> {
                        long from = T0 + (long) (q * 37 % Math.max(1, n - 3600)) * 1000L;
                        ps.setLong(1, from);
                        ps.setLong(2, from + 3_600_000L);
                    });
            System.out.printf("%-8s %12.0f %16.3f %16.3f %10.1f%n", label, insertPerSecond, byRecipient, byTime,
                    Files.size(dir.resolve("gateway.db")) / 1048576.0);
        }
    }

    private static String rcpt(int i) {
        return "user" + Math.floorMod(i, 1000) + "@example.com";
    }

    private interface Binder {
        void bind(PreparedStatement ps, int q) throws SQLException;
    }

    /** Average milliseconds of one query, over QUERIES different parameters, every row read. */
    private static double timeQueries(DataSource ds, String sql, Binder binder) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            long start = System.nanoTime();
            long rows = 0;
            for (int q = 0; q < QUERIES; q++) {
                binder.bind(ps, q);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows++;
                    }
                }
            }
            if (rows == 0) {
                throw new IllegalStateException("no rows: the measurement would be empty");
            }
            return (System.nanoTime() - start) / 1e6 / QUERIES;
        }
    }

    /** The insert as it was before version 5: the messages row only. */
    private static void insertVersion4(DataSource ds, List<MessageRow> rows) throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(MessageWriter.INSERT)) {
                for (MessageRow row : rows) {
                    MessageWriter.bind(ps, row); // the same columns the store writes, without message_recipients
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            c.commit();
            c.setAutoCommit(true);
        }
    }
}
