package io.mailgateway.smtp;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Writes one message's spool file on a worker thread, never on the event loop: a disk that
 * stalls must not stall every connection served by that loop. Writes run in the order given,
 * one at a time. The bytes handed over but not yet written are bounded: past
 * {@value #BACKLOG_HIGH} octets the connection stops reading (its {@code backlogged(true)}),
 * below {@value #BACKLOG_LOW} it reads again, both called on the connection's event loop.
 *
 * <p>Lifecycle (event loop): {@link #write} any number of times, then {@link #close} (the file,
 * complete) or {@link #discard} (the file deleted). An I/O error fails {@link #close}.
 */
final class SpoolWriter {

    /** Octets handed over but not yet written past which the connection stops reading. */
    static final int BACKLOG_HIGH = 512 * 1024;
    /** ... and below which it reads again. */
    static final int BACKLOG_LOW = 128 * 1024;

    /** Spool writes of all listeners: a few threads, the disk is the bottleneck, not the CPU. */
    private static final ExecutorService WORKERS = Executors.newFixedThreadPool(4, new java.util.concurrent.ThreadFactory() {
        private final AtomicInteger n = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "smtp-spool-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    });

    private static final int TASKS_PER_TURN = 16;

    /** Test seam: sees the thread of each write into a spool file. */
    static volatile Consumer<Thread> writeObserver = thread -> { };

    private final Path file;
    private final EventExecutor loop;
    private final Consumer<Boolean> backlogged;
    private final AtomicLong backlog = new AtomicLong();
    /** Tasks of this file not yet run, in order; guarded by itself. */
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private boolean running;
    // worker side, one task at a time
    private FileChannel channel;
    private IOException failure;
    private volatile boolean discarded;
    // event loop side
    private boolean paused;

    /**
     * @param backlogged told (on {@code loop}) to stop reading (true) or read again (false)
     */
    SpoolWriter(Path file, EventExecutor loop, Consumer<Boolean> backlogged) {
        this.file = file;
        this.loop = loop;
        this.backlogged = backlogged;
    }

    /** Takes {@code bytes} (and its release) over: written later, in order, off the event loop. */
    void write(ByteBuf bytes) {
        int n = bytes.readableBytes();
        if (backlog.addAndGet(n) > BACKLOG_HIGH && !paused) {
            paused = true;
            backlogged.accept(true);
        }
        submit(() -> {
            try {
                if (!discarded && failure == null) {
                    writeObserver.accept(Thread.currentThread());
                    if (channel == null) {
                        Files.createDirectories(file.getParent());
                        channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                    }
                    while (bytes.isReadable()) {
                        bytes.readBytes(channel, bytes.readableBytes());
                    }
                }
            } catch (IOException e) {
                failure = e;
            } finally {
                bytes.release();
                long left = backlog.addAndGet(-n);
                if (left < BACKLOG_LOW && left + n >= BACKLOG_LOW) {
                    loop.execute(this::readAgainIfDrained);
                }
            }
        });
    }

    private void readAgainIfDrained() {
        if (paused && backlog.get() < BACKLOG_LOW) {
            paused = false;
            backlogged.accept(false);
        }
    }

    /** Completes with the spool file once every write is in it; fails (file deleted) if one failed. */
    CompletableFuture<Path> close() {
        CompletableFuture<Path> done = new CompletableFuture<>();
        submit(() -> {
            IOException problem = failure;
            try {
                if (channel != null) {
                    channel.close();
                } else if (problem == null) {
                    Files.createDirectories(file.getParent());
                    Files.createFile(file); // nothing was written: an empty message
                }
            } catch (IOException e) {
                problem = problem == null ? e : problem;
            }
            if (problem != null) {
                deleteQuietly();
                done.completeExceptionally(problem);
            } else {
                done.complete(file);
            }
        });
        return done;
    }

    /** Drops what is not yet written and deletes the file. */
    void discard() {
        discarded = true;
        submit(() -> {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // deleting below is what matters
                }
            }
            deleteQuietly();
        });
    }

    private void deleteQuietly() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a stale spool file is removed at the next start
        }
    }

    /** Runs {@code task} after the tasks submitted before it, on one worker at a time. */
    private void submit(Runnable task) {
        synchronized (tasks) {
            tasks.add(task);
            if (running) {
                return;
            }
            running = true;
        }
        WORKERS.execute(this::runTasks);
    }

    private void runTasks() {
        // a few tasks per turn, then back in the pool's queue: a fast sender does not hold a
        // worker while other connections' files wait
        for (int i = 0; i < TASKS_PER_TURN; i++) {
            Runnable next;
            synchronized (tasks) {
                next = tasks.poll();
                if (next == null) {
                    running = false;
                    return;
                }
            }
            next.run();
        }
        WORKERS.execute(this::runTasks);
    }
}
