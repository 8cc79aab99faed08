package io.mailgateway.store.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The group-commit writer on a real SQLite database, with the two faults a database and its
 * driver can throw at it and that a test cannot provoke for real: a commit that never returns
 * (the caller's wait is bounded, so the broker redelivers) and an {@link Error} out of the
 * driver (the writer thread lives on and writes the next batch).
 */
class GroupCommitWriterTest {

    @TempDir
    Path dataDir;

    private HikariDataSource ds;

    @BeforeEach
    void openDatabase() throws Exception {
        ds = SqlDataSources.create(SqlTestSupport.config(Map.of("DATA_DIR", dataDir.toString())), dataDir);
        SqlMigrations.migrate(ds);
    }

    @AfterEach
    void closeDatabase() {
        ds.close();
    }

    @Test
    void should_fail_a_caller_whose_commit_hangs_and_write_later_rows_once_the_database_answers() throws Exception {
        CountDownLatch databaseAnswers = new CountDownLatch(1);
        MessageWriter hanging = new MessageWriter(ds) {
            @Override
            void insert(List<MessageRow> rows) throws SQLException {
                try {
                    databaseAnswers.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                super.insert(rows);
            }
        };
        try (GroupCommitWriter writer = new GroupCommitWriter(hanging, 100, Duration.ofMillis(200))) {
            assertThatThrownBy(() -> writer.insert(row("HANG1")))
                    .isInstanceOf(SQLException.class).hasMessageContaining("STORAGE_BATCH_TIMEOUT")
                    .satisfies(e -> assertThat(SqlFailures.isPermanent(e)).as("permanent (no redelivery)").isFalse());

            databaseAnswers.countDown();
            writer.insert(row("HANG1")); // the broker's redelivery: no second row if the first committed late
            writer.insert(row("HANG2"));
        }
        assertThat(SqlTestSupport.count(ds, "SELECT COUNT(*) FROM messages WHERE queue_id = 'HANG1'")).isEqualTo(1);
        assertThat(SqlTestSupport.count(ds, "SELECT COUNT(*) FROM messages WHERE queue_id = 'HANG2'")).isEqualTo(1);
    }

    @Test
    void should_fail_the_batch_that_threw_an_error_and_keep_writing() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        MessageWriter failingOnce = new MessageWriter(ds) {
            @Override
            void insert(List<MessageRow> rows) throws SQLException {
                if (calls.getAndIncrement() == 0) {
                    throw new OutOfMemoryError("thrown by the test: a driver that ran out of memory");
                }
                super.insert(rows);
            }
        };
        try (GroupCommitWriter writer = new GroupCommitWriter(failingOnce, 100, Duration.ofSeconds(30))) {
            assertThatThrownBy(() -> writer.insert(row("ERR1")))
                    .isInstanceOf(SQLException.class).hasCauseInstanceOf(OutOfMemoryError.class)
                    .satisfies(e -> assertThat(SqlFailures.isPermanent(e)).as("permanent (no redelivery)").isFalse());

            writer.insert(row("ERR2"));
            writer.insert(row("ERR1"));
        }
        assertThat(SqlTestSupport.count(ds, "SELECT COUNT(*) FROM messages WHERE queue_id IN ('ERR1', 'ERR2')")).isEqualTo(2);
    }

    private static MessageRow row(String queueId) {
        return SqlTestSupport.row(queueId, ("Subject: " + queueId + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII));
    }
}
