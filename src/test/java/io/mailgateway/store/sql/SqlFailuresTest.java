package io.mailgateway.store.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** Which database errors send a message to store.sql.dlq (permanent) and which wait (transient). */
class SqlFailuresTest {

    @Test
    void should_treat_constraint_and_data_errors_as_permanent() {
        assertThat(SqlFailures.isPermanent(new SQLException("check violated", "23514"))).isTrue();
        assertThat(SqlFailures.isPermanent(new SQLException("value too long", "22001"))).isTrue();
        assertThat(SqlFailures.isPermanent(new SQLiteException("trigger", SQLiteErrorCode.SQLITE_CONSTRAINT_TRIGGER))).isTrue();
        assertThat(SqlFailures.isPermanent(new SQLiteException("too big", SQLiteErrorCode.SQLITE_TOOBIG))).isTrue();
    }

    @Test
    void should_treat_an_unreachable_busy_or_full_database_as_transient() {
        assertThat(SqlFailures.isPermanent(new SQLException("connection failure", "08006"))).isFalse();
        assertThat(SqlFailures.isPermanent(new SQLException("disk full", "53100"))).isFalse();
        assertThat(SqlFailures.isPermanent(new SQLException("admin shutdown", "57P01"))).isFalse();
        assertThat(SqlFailures.isPermanent(new SQLTransientConnectionException("pool timeout", "23000"))).isFalse();
        assertThat(SqlFailures.isPermanent(new SQLiteException("locked", SQLiteErrorCode.SQLITE_BUSY))).isFalse();
        assertThat(SqlFailures.isPermanent(new SQLiteException("io", SQLiteErrorCode.SQLITE_IOERR_WRITE))).isFalse();
        assertThat(SqlFailures.isPermanent(new SQLiteException("full", SQLiteErrorCode.SQLITE_FULL))).isFalse();
        assertThat(SqlFailures.isPermanent(new IOException("blob file: No space left on device"))).isFalse();
    }

    @Test
    void should_treat_a_bug_of_our_own_code_as_permanent() {
        assertThat(SqlFailures.isPermanent(new NullPointerException())).isTrue();
        assertThat(SqlFailures.isPermanent(new SQLException("SQL store write failed", new IllegalArgumentException("x")))).isTrue();
    }
}
