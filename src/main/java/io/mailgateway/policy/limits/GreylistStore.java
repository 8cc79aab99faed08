package io.mailgateway.policy.limits;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * The greylist table in a small SQLite file ({@code $DATA_DIR/greylist.db}), so a restart or
 * deploy does not greylist every known sender again. Written behind in batches by
 * {@link Greylist#flush}; WAL with synchronous=NORMAL is enough: losing the last changes in a
 * power cut only greylists those triplets once more. One connection, used by one thread at a
 * time (the methods are synchronized).
 */
public final class GreylistStore implements AutoCloseable {

    private final Path file;
    private final Connection db;

    private GreylistStore(Path file, Connection db) {
        this.file = file;
        this.db = db;
    }

    public static GreylistStore open(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Connection db = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement s = db.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=NORMAL");
                s.execute("PRAGMA busy_timeout=5000");
                s.execute("CREATE TABLE IF NOT EXISTS greylist (triplet TEXT PRIMARY KEY, first_seen INTEGER NOT NULL, "
                        + "expires INTEGER NOT NULL, passed INTEGER NOT NULL)");
            }
            return new GreylistStore(file, db);
        } catch (SQLException | java.io.IOException e) {
            throw new IllegalStateException("cannot open the greylist database " + file + ": " + e.getMessage(), e);
        }
    }

    synchronized Map<String, Greylist.Entry> load(long now) {
        Map<String, Greylist.Entry> entries = new HashMap<>();
        try (PreparedStatement q = db.prepareStatement("SELECT triplet, first_seen, expires, passed FROM greylist WHERE expires > ?")) {
            q.setLong(1, now);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    entries.put(rs.getString(1), new Greylist.Entry(rs.getLong(2), rs.getLong(3), rs.getInt(4) != 0));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the greylist database " + file + ": " + e.getMessage(), e);
        }
        return entries;
    }

    /** Upserts the entries; a null entry deletes its row. One transaction. */
    synchronized void write(Map<String, Greylist.Entry> batch) {
        try {
            db.setAutoCommit(false);
            try (PreparedStatement up = db.prepareStatement("INSERT INTO greylist (triplet, first_seen, expires, passed) VALUES (?, ?, ?, ?) "
                    + "ON CONFLICT(triplet) DO UPDATE SET first_seen = excluded.first_seen, expires = excluded.expires, passed = excluded.passed");
                 PreparedStatement del = db.prepareStatement("DELETE FROM greylist WHERE triplet = ?")) {
                for (Map.Entry<String, Greylist.Entry> e : batch.entrySet()) {
                    if (e.getValue() == null) {
                        del.setString(1, e.getKey());
                        del.addBatch();
                    } else {
                        up.setString(1, e.getKey());
                        up.setLong(2, e.getValue().firstSeen());
                        up.setLong(3, e.getValue().expires());
                        up.setInt(4, e.getValue().passed() ? 1 : 0);
                        up.addBatch();
                    }
                }
                up.executeBatch();
                del.executeBatch();
            }
            db.commit();
        } catch (SQLException e) {
            try {
                db.rollback();
            } catch (SQLException ignored) {
                // the original error is the one to report
            }
            throw new IllegalStateException("greylist write failed: " + e.getMessage(), e);
        } finally {
            try {
                db.setAutoCommit(true);
            } catch (SQLException ignored) {
                // next use reports a broken connection
            }
        }
    }

    synchronized void deleteExpired(long now) {
        try (PreparedStatement d = db.prepareStatement("DELETE FROM greylist WHERE expires <= ?")) {
            d.setLong(1, now);
            d.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("greylist cleanup failed: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException e) {
            // closing at shutdown: nothing left to do with it
        }
    }

    @Override
    public String toString() {
        return file.toString();
    }
}
