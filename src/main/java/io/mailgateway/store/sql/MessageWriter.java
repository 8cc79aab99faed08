package io.mailgateway.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import javax.sql.DataSource;

/**
 * Inserts rows into {@code messages}, several in one transaction. The queue ID is unique and
 * the insert is {@code ON CONFLICT DO NOTHING} (SQLite 3.24+ and PostgreSQL 9.5+), so a message
 * the broker redelivers after a commit whose ack was lost does not make a second row.
 */
class MessageWriter {

    static final String INSERT = "INSERT INTO messages (queue_id, received_at, sender, recipients, subject, size,"
            + " status, client_ip, helo, auth_results, quarantined, body, body_ref, envelope,"
            + " spam_score, spam_verdict)"
            + " VALUES (?, ?, ?, ?, ?, ?, 'stored', ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (queue_id) DO NOTHING";
    /** One row per recipient, for lookups by recipient (db/changelog/005). */
    static final String INSERT_RECIPIENT = "INSERT INTO message_recipients (queue_id, recipient, received_at)"
            + " VALUES (?, ?, ?) ON CONFLICT DO NOTHING";

    private final DataSource dataSource;

    MessageWriter(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** All rows in one transaction: on return they are committed; on an exception none is. */
    void insert(List<MessageRow> rows) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(INSERT); PreparedStatement rs = c.prepareStatement(INSERT_RECIPIENT)) {
                for (MessageRow row : rows) {
                    bind(ps, row);
                    ps.addBatch();
                    for (String recipient : row.recipients()) {
                        rs.setString(1, row.queueId());
                        rs.setString(2, recipient);
                        rs.setLong(3, row.receivedAt());
                        rs.addBatch();
                    }
                }
                ps.executeBatch();
                rs.executeBatch();
                c.commit();
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c, e);
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    static void bind(PreparedStatement ps, MessageRow row) throws SQLException {
        ps.setString(1, row.queueId());
        ps.setLong(2, row.receivedAt());
        ps.setString(3, row.sender());
        ps.setString(4, row.recipientsJson());
        ps.setString(5, row.subject());
        ps.setLong(6, row.size());
        ps.setString(7, row.clientIp());
        ps.setString(8, row.helo());
        ps.setString(9, row.authResults());
        ps.setBoolean(10, row.quarantined());
        if (row.body() != null) {
            ps.setBytes(11, row.body());
        } else {
            ps.setNull(11, Types.BINARY);
        }
        ps.setString(12, row.bodyRef());
        ps.setString(13, row.envelope());
        if (row.spamScore() != null) {
            ps.setDouble(14, row.spamScore());
        } else {
            ps.setNull(14, Types.DOUBLE);
        }
        ps.setString(15, row.spamVerdict());
    }

    private static void rollbackQuietly(Connection c, Exception cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }
}
