package io.mailgateway.auth;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends rows to {@code audit_log} (who, what, when, from where) off the caller's path: a
 * bounded queue and one writer thread that puts what has gathered into one transaction. A login
 * never fails because its row could not be written: a failed write is retried a few times, then
 * the rows go to the log at ERROR instead. When the queue is full the caller writes its row
 * itself (back-pressure, nothing dropped).
 *
 * <p>Lifecycle: constructed running; {@link #close()} stops taking rows, writes every row queued
 * so far and ends the writer, so all rows are written before shutdown completes.
 */
public final class AuditLog implements AutoCloseable {

    /** One row. {@code client} is the client's IP address, or null (the command line). */
    public record Entry(long at, String actor, String action, String detail, String client) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    private static final int CAPACITY = 10_000;
    private static final int BATCH = 200;
    private static final int ATTEMPTS = 3;
    /** Longest text kept in actor and detail: an attacker chooses the user names we log. */
    private static final int MAX_TEXT = 320;
    private static final Entry STOP = new Entry(0, "", "", "", null);

    private final DataSource dataSource;
    private final Clock clock;
    private final BlockingQueue<Entry> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final Thread writer;
    private volatile boolean closed;

    public AuditLog(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.writer = new Thread(this::drain, "audit-log-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /** Queues one row, stamped now. Never throws for a database problem. */
    public void append(String actor, String action, String detail, String client) {
        Entry e = new Entry(clock.millis(), clean(actor), action, clean(detail), client);
        if (closed || !queue.offer(e)) {
            write(List.of(e));
        }
    }

    private void drain() {
        List<Entry> batch = new ArrayList<>(BATCH);
        boolean stop = false;
        while (!stop) {
            try {
                Entry first = queue.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop = true;
            }
            stop |= batch.removeIf(e -> e == STOP);
            if (!batch.isEmpty()) {
                write(batch);
                batch.clear();
            }
        }
    }

    private void write(List<Entry> rows) {
        SQLException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                insert(rows);
                return;
            } catch (SQLException e) {
                last = e;
                pause(attempt);
            }
        }
        // Logged instead, so the record exists somewhere; the login it describes went on.
        for (Entry e : rows) {
            LOG.error("audit_log write failed ({}); lost row: at={} actor={} action={} detail={} client={}",
                    last.getMessage(), e.at(), e.actor(), e.action(), e.detail(), e.client());
        }
    }

    private void insert(List<Entry> rows) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO audit_log (at, actor, action, detail, client_address) VALUES (?, ?, ?, ?, ?)")) {
                for (Entry e : rows) {
                    ps.setLong(1, e.at());
                    ps.setString(2, e.actor());
                    ps.setString(3, e.action());
                    ps.setString(4, e.detail());
                    ps.setString(5, e.client());
                    ps.addBatch();
                }
                ps.executeBatch();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        }
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(100L * attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** No control characters (log injection) and a bounded length. */
    static String clean(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(Math.min(text.length(), MAX_TEXT));
        for (int i = 0; i < text.length() && b.length() < MAX_TEXT; i++) {
            char c = text.charAt(i);
            b.append(Character.isISOControl(c) ? '?' : c);
        }
        return b.toString();
    }

    /** Writes every queued row, then stops the writer. Rows appended after this are written by their caller. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            queue.put(STOP);
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // A row whose caller saw the log still open but queued it behind STOP.
        List<Entry> rest = new ArrayList<>();
        queue.drainTo(rest);
        rest.removeIf(e -> e == STOP);
        if (!rest.isEmpty()) {
            write(rest);
        }
    }
}
