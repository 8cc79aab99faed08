package io.mailgateway.store.sql;

import io.mailgateway.store.StoreFailures;
import io.mailgateway.store.s3.S3Failures;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * How the SQL store tells a row the database will never take from a database that is down.
 * Permanent: SQLState class 22 (data exception: a value too long, out of range, bad encoding) or
 * 23 (integrity constraint violation) from PostgreSQL, and their SQLite counterparts
 * (SQLITE_CONSTRAINT, including a trigger's RAISE(ABORT); SQLITE_MISMATCH, SQLITE_TOOBIG,
 * SQLITE_RANGE). Our own idempotence never raises one: the insert says
 * {@code ON CONFLICT (queue_id) DO NOTHING}. Everything else is transient: no connection (08),
 * too many connections or a full disk (53), shutdown (57), a locked or busy SQLite, I/O errors.
 * Failures of a BLOB_STORE=s3 upload are judged by {@link S3Failures}.
 */
final class SqlFailures {

    private SqlFailures() {
    }

    static boolean isPermanent(Throwable failure) {
        if (S3Failures.isAws(failure)) {
            return S3Failures.isPermanent(failure);
        }
        SQLException sql = firstSql(failure);
        if (sql == null) {
            return StoreFailures.isPermanentByDefault(failure);
        }
        if (sql instanceof SQLTransientException || sql instanceof SQLRecoverableException) {
            return false;
        }
        if (sql instanceof SQLiteException lite) {
            return isPermanent(lite.getResultCode());
        }
        String state = sql.getSQLState();
        if (state != null && state.length() >= 2) {
            return state.startsWith("22") || state.startsWith("23");
        }
        // No SQLState: the group-commit writer's wrapper around an unexpected error of our own code.
        return sql.getCause() != null && sql.getCause() != sql && StoreFailures.isPermanentByDefault(sql.getCause());
    }

    private static boolean isPermanent(SQLiteErrorCode code) {
        int primary = code.code & 0xff; // extended codes (e.g. SQLITE_CONSTRAINT_TRIGGER) share the low byte
        return primary == SQLiteErrorCode.SQLITE_CONSTRAINT.code || primary == SQLiteErrorCode.SQLITE_MISMATCH.code
                || primary == SQLiteErrorCode.SQLITE_TOOBIG.code || primary == SQLiteErrorCode.SQLITE_RANGE.code;
    }

    private static SQLException firstSql(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException s) {
                return s;
            }
        }
        return null;
    }
}
