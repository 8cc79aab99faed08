package io.mailgateway.smtp;

import io.mailgateway.message.MessageContent;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.EventExecutor;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Collects the content of one message as it streams in: into a pooled buffer up to the spool
 * threshold, then into a spool file, written off the event loop by a {@link SpoolWriter} (which
 * stops the connection's reads while it lags behind). Past the size limit it keeps counting but
 * stores nothing, so an oversize message costs no memory and can still be refused cleanly at its end.
 *
 * <p>Lifecycle: one per transaction, used on the connection's event loop; {@link #finish} hands
 * the bytes over as a {@link MessageContent} once they are all written, {@link #discard} frees
 * them (RSET, error, disconnect).
 */
final class MessageBuffer {

    private final ByteBufAllocator allocator;
    private final Path spoolDir;
    private final int spoolThreshold;
    private final long maxSize;
    private final EventExecutor loop;
    private final Consumer<Boolean> backlogged;

    private ByteBuf memory;
    private SpoolWriter spool;
    private long size;
    private boolean oversize;

    /**
     * @param loop       the connection's event loop, where this buffer is used
     * @param backlogged told (on {@code loop}) to stop reading the connection (true) while the
     *                   spool file lags behind, and to read again (false)
     */
    MessageBuffer(ByteBufAllocator allocator, Path spoolDir, int spoolThreshold, long maxSize,
                  EventExecutor loop, Consumer<Boolean> backlogged) {
        this.allocator = allocator;
        this.spoolDir = spoolDir;
        this.spoolThreshold = spoolThreshold;
        this.maxSize = maxSize;
        this.loop = loop;
        this.backlogged = backlogged;
    }

    /** Appends and releases {@code bytes}. */
    void append(ByteBuf bytes) {
        int n = bytes.readableBytes();
        size += n;
        if (oversize || size > maxSize) {
            if (!oversize) {
                oversize = true;
                freeStorage();
            }
            bytes.release();
            return;
        }
        if (spool == null && size > spoolThreshold) {
            spill();
        }
        if (spool != null) {
            spool.write(bytes); // released once written
            return;
        }
        try {
            if (memory == null) {
                memory = allocator.buffer(Math.max(n, 1024), spoolThreshold);
            }
            memory.writeBytes(bytes);
        } finally {
            bytes.release();
        }
    }

    long size() {
        return size;
    }

    boolean isOversize() {
        return oversize;
    }

    private void spill() {
        spool = new SpoolWriter(spoolDir.resolve(UUID.randomUUID() + ".eml"), loop, backlogged);
        if (memory != null) {
            spool.write(memory);
            memory = null;
        }
    }

    /**
     * The collected message, once all of it is written; this buffer no longer owns it. Fails if
     * the spool file could not be written (the file is gone then).
     */
    CompletableFuture<MessageContent> finish() {
        if (spool != null) {
            long length = size;
            CompletableFuture<Path> written = spool.close();
            spool = null;
            return written.thenApply(file -> MessageContent.inSpoolFile(file, length));
        }
        ByteBuf bytes = memory != null ? memory : allocator.buffer(0);
        memory = null;
        return CompletableFuture.completedFuture(MessageContent.inBuffer(bytes));
    }

    void discard() {
        freeStorage();
    }

    private void freeStorage() {
        if (memory != null) {
            memory.release();
            memory = null;
        }
        if (spool != null) {
            spool.discard();
            spool = null;
        }
    }
}
