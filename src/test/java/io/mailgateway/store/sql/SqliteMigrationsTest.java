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
                    .contains("idx_messages_received_at", "idx_messages_sender", "idx_messages_status");
            assertThat(SqlTestSupport.indexes(ds, "audit_log")).contains("idx_audit_log_at", "idx_audit_log_actor");
            assertThat(SqlTestSupport.indexes(ds, "user_addresses")).contains("idx_user_addresses_user");
            assertThat(SqlTestSupport.indexes(ds, "users")).contains("uq_users_address");
            long applied = SqlTestSupport.count(ds, "SELECT COUNT(*) FROM DATABASECHANGELOG");

            SqlMigrations.migrate(ds);
            assertThat(SqlTestSupport.count(ds, "SELECT COUNT(*) FROM DATABASECHANGELOG")).isEqualTo(applied);
        }
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
