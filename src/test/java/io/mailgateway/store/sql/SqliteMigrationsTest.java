package io.mailgateway.store.sql;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A fresh SQLite file gets the whole schema with the pragmas asked for; a second run changes nothing. */
class SqliteMigrationsTest {

    @TempDir
    Path dataDir;

    @Test
    void should_create_every_table_and_index_and_be_a_no_op_the_second_time() throws Exception {
        try (HikariDataSource ds = SqlDataSources.create(SqlTestSupport.config(Map.of("DATA_DIR", dataDir.toString())), dataDir)) {
            SqlMigrations.migrate(ds);
            assertThat(Files.isRegularFile(dataDir.resolve("gateway.db"))).isTrue();
            assertThat(SqlTestSupport.tables(ds)).contains("messages", "users", "user_addresses", "audit_log");
            assertThat(SqlTestSupport.indexes(ds, "messages"))
                    .contains("idx_messages_received_at", "idx_messages_sender", "idx_messages_status_received_at");
            assertThat(SqlTestSupport.tables(ds)).contains("message_recipients");
            // The lookups docs/storage.md shows are answered from the keys, not by scanning messages.
            assertThat(plan(ds, "SELECT m.queue_id FROM message_recipients r JOIN messages m ON m.queue_id = r.queue_id"
                    + " WHERE r.recipient = 'bob@example.com' ORDER BY r.received_at DESC LIMIT 50"))
                    .contains("SEARCH r USING PRIMARY KEY (recipient=?)", "SEARCH m USING COVERING INDEX").doesNotContain("SCAN");
            assertThat(plan(ds, "SELECT COUNT(*) FROM messages WHERE status = 'stored' AND received_at >= 1 AND received_at < 2"))
                    .contains("idx_messages_status_received_at (status=? AND received_at>? AND received_at<?)");
            assertThat(SqlTestSupport.indexes(ds, "audit_log")).contains("idx_audit_log_at", "idx_audit_log_actor");
            assertThat(SqlTestSupport.indexes(ds, "user_addresses")).contains("idx_user_addresses_user");
            assertThat(SqlTestSupport.indexes(ds, "users")).contains("uq_users_address");
            long applied = SqlTestSupport.count(ds, "SELECT COUNT(*) FROM DATABASECHANGELOG");

            SqlMigrations.migrate(ds);
            assertThat(SqlTestSupport.count(ds, "SELECT COUNT(*) FROM DATABASECHANGELOG")).isEqualTo(applied);
        }
    }

    private static String plan(HikariDataSource ds, String sql) throws Exception {
        StringBuilder plan = new StringBuilder();
        try (java.sql.Connection c = ds.getConnection(); java.sql.ResultSet rs = c.createStatement().executeQuery("EXPLAIN QUERY PLAN " + sql)) {
            while (rs.next()) {
                plan.append(rs.getString("detail")).append('\n');
            }
        }
        return plan.toString();
    }

    @Test
    void should_open_sqlite_with_wal_and_one_writer() throws Exception {
        try (HikariDataSource ds = SqlDataSources.create(SqlTestSupport.config(Map.of("DATA_DIR", dataDir.toString())), dataDir)) {
            assertThat(ds.getMaximumPoolSize()).isEqualTo(1);
            assertThat(SqlTestSupport.string(ds, "PRAGMA journal_mode")).isEqualToIgnoringCase("wal");
            assertThat(SqlTestSupport.count(ds, "PRAGMA synchronous")).isEqualTo(2); // FULL
            assertThat(SqlTestSupport.count(ds, "PRAGMA cache_size")).isEqualTo(-64000);
            assertThat(SqlTestSupport.count(ds, "PRAGMA temp_store")).isEqualTo(2); // MEMORY
            assertThat(SqlTestSupport.count(ds, "PRAGMA mmap_size")).isEqualTo(268435456);
        }
    }

    @Test
    void should_make_a_new_file_with_large_pages_and_incremental_vacuum() throws Exception {
        try (GatewayDatabase db = GatewayDatabase.open(SqlTestSupport.config(Map.of("DATA_DIR", dataDir.toString())))) {
            assertThat(SqlTestSupport.count(db.dataSource(), "PRAGMA page_size")).isEqualTo(SqliteLayout.PAGE_SIZE);
            assertThat(SqlTestSupport.count(db.dataSource(), "PRAGMA auto_vacuum")).isEqualTo(SqliteLayout.INCREMENTAL);
            assertThat(SqlTestSupport.string(db.dataSource(), "PRAGMA journal_mode")).isEqualToIgnoringCase("wal");
            assertThat(SqlTestSupport.count(db.dataSource(), "PRAGMA synchronous")).isEqualTo(2); // FULL
        }
    }

    @Test
    void should_give_deleted_rows_pages_back_with_the_incremental_vacuum() throws Exception {
        try (GatewayDatabase db = GatewayDatabase.open(SqlTestSupport.config(Map.of("DATA_DIR", dataDir.toString())))) {
            MessageWriter writer = new MessageWriter(db.dataSource());
            for (int i = 0; i < 20; i++) {
                writer.insert(List.of(SqlTestSupport.row("V" + i, new byte[100_000])));
            }
            try (java.sql.Connection c = db.dataSource().getConnection(); java.sql.Statement s = c.createStatement()) {
                s.execute("DELETE FROM messages");
            }
            long free = SqlTestSupport.count(db.dataSource(), "PRAGMA freelist_count");
            assertThat(free).isGreaterThan(200); // 2 MB of bodies in 8 KiB pages
            try (SqliteMaintenance m = SqliteMaintenance.start(db.dataSource(), java.time.Duration.ZERO, java.time.Duration.ZERO)) {
                assertThat(m.incrementalVacuum()).isEqualTo(free);
            }
            assertThat(SqlTestSupport.count(db.dataSource(), "PRAGMA freelist_count")).isZero();
        }
    }

    @Test
    void should_index_recipients_of_new_rows_and_of_rows_stored_before_version_5() throws Exception {
        try (HikariDataSource ds = SqlDataSources.create(SqlTestSupport.config(Map.of("DATA_DIR", dataDir.toString())), dataDir)) {
            SqlMigrations.migrate(ds, SqlTestSupport.UP_TO_004);
            SqlTestSupport.insertVersion4Rows(ds);
            SqlMigrations.migrate(ds);
            SqlTestSupport.assertVersion5(ds);
        }
    }

    @Test
    void should_keep_an_older_files_layout_and_work_on_it() throws Exception {
        // A file made before SqliteLayout: the driver's defaults (4 KiB pages, no auto-vacuum).
        try (HikariDataSource ds = SqlDataSources.create(SqlTestSupport.config(Map.of("DATA_DIR", dataDir.toString())), dataDir)) {
            SqlMigrations.migrate(ds, SqlTestSupport.UP_TO_004);
        }
        try (GatewayDatabase db = GatewayDatabase.open(SqlTestSupport.config(Map.of("DATA_DIR", dataDir.toString())))) {
            assertThat(SqlTestSupport.count(db.dataSource(), "PRAGMA auto_vacuum")).isZero();
            new MessageWriter(db.dataSource()).insert(List.of(SqlTestSupport.row("A1", new byte[] {1})));
            assertThat(SqlTestSupport.count(db.dataSource(), "SELECT COUNT(*) FROM message_recipients")).isEqualTo(1);
        }
    }

    @Test
    void should_keep_one_row_when_the_same_queue_id_comes_twice() throws Exception {
        try (HikariDataSource ds = SqlDataSources.create(SqlTestSupport.config(Map.of("DATA_DIR", dataDir.toString())), dataDir)) {
            SqlMigrations.migrate(ds);
            MessageWriter writer = new MessageWriter(ds);
            writer.insert(List.of(SqlTestSupport.row("Q1", new byte[] {1, 2})));
            writer.insert(List.of(SqlTestSupport.row("Q1", new byte[] {1, 2}), SqlTestSupport.row("Q2", new byte[] {3})));
            assertThat(SqlTestSupport.count(ds, "SELECT COUNT(*) FROM messages")).isEqualTo(2);
        }
    }
}
