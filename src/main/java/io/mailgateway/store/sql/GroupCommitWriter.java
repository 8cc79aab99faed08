package io.mailgateway.store.sql;

import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: each consumer thread hands in its row and blocks until the transaction holding
 * it has committed; one writer thread puts every row waiting at that moment (at most
 * STORAGE_BATCH_SIZE) into a single transaction. So each JMS consumer still acks only after
 * its own row is durable, yet N concurrent consumers cost one commit instead of N.
 * If a batch fails, its rows are tried one by one, so one bad row cannot fail its neighbours.
 *
 * <p>A caller waits at most STORAGE_BATCH_TIMEOUT: a database that hangs fails the exchange, so
 * the broker redelivers (the insert is idempotent by queue ID, so a row committed late is not
 * doubled). The writer thread outlives anything a batch throws, {@link Error}s included: that
 * batch's callers fail, the next batch is written.
 */
final class GroupCommitWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);

    private record Pending(MessageRow row, CompletableFuture<Void> done) {
    }

    /** STORAGE_BATCH_TIMEOUT's default. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final MessageWriter writer;
    private final int batchSize;
    private final Duration timeout;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean running = true;

    GroupCommitWriter(MessageWriter writer, int batchSize) {
        this(writer, batchSize, DEFAULT_TIMEOUT);
    }

    /** @param timeout how long a caller waits for its commit before its insert fails */
    GroupCommitWriter(MessageWriter writer, int batchSize, Duration timeout) {
        this.writer = writer;
        this.batchSize = batchSize;
        this.timeout = timeout;
        this.thread = new Thread(this::run, "sql-store-writer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Returns once the row is committed; throws if its transaction failed or did not commit in time. */
    void insert(MessageRow row) throws SQLException, InterruptedException {
        if (!running) {
            throw new SQLException("SQL store writer is stopped");
        }
        Pending p = new Pending(row, new CompletableFuture<>());
        queue.add(p);
        try {
            p.done().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException s) {
                throw s;
            }
            throw new SQLException("SQL store write failed", e.getCause());
        } catch (TimeoutException e) {
            // Not yet taken: dropped. In a batch already: it may still commit, which the
            // redelivery's ON CONFLICT DO NOTHING absorbs.
            queue.remove(p);
            // SQLTimeoutException is a SQLTransientException: SqlFailures has the broker redeliver
            throw new SQLTimeoutException("SQL store write not committed within " + timeout.toMillis()
                    + " ms (STORAGE_BATCH_TIMEOUT); the broker redelivers the message");
        } catch (InterruptedException e) {
            queue.remove(p);
            throw e;
        }
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(batchSize);
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, batchSize - 1);
                write(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Throwable e) {
                // Anything else (a driver bug, even an Error such as OutOfMemoryError) fails this
                // batch's callers, not the writer: the next batch gets a fresh try.
                LOG.error("SQL store batch of {} failed", batch.size(), e);
                batch.forEach(p -> p.done().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
        Pending left;
        while ((left = queue.poll()) != null) {
            left.done().completeExceptionally(new SQLException("SQL store writer stopped"));
        }
    }

    private void write(List<Pending> batch) {
        try {
            writer.insert(batch.stream().map(Pending::row).toList());
            batch.forEach(p -> p.done().complete(null));
            return;
        } catch (SQLException e) {
            if (batch.size() == 1) {
                batch.get(0).done().completeExceptionally(e);
                return;
            }
            LOG.debug("batch of {} failed ({}); trying its rows one by one", batch.size(), e.getMessage());
        }
        for (Pending p : batch) {
            try {
                writer.insert(List.of(p.row()));
                p.done().complete(null);
            } catch (SQLException e) {
                p.done().completeExceptionally(e);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(10_000);
    }
}
