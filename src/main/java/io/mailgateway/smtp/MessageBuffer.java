package io.mailgateway.smtp;

import io.mailgateway.message.MessageContent;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Collects the content of one message as it streams in: into a pooled buffer up to the spool
 * threshold, then into a spool file. Past the size limit it keeps counting but stores nothing,
 * so an oversize message costs no memory and can still be refused cleanly at its end.
 *
 * <p>Lifecycle: one per transaction; {@link #finish} hands the bytes over as a
 * {@link MessageContent}, {@link #discard} frees them (RSET, error, disconnect).
 */
final class MessageBuffer {

    private final ByteBufAllocator allocator;
    private final Path spoolDir;
    private final int spoolThreshold;
    private final long maxSize;

    private ByteBuf memory;
    private Path spoolFile;
    private FileChannel spool;
    private long size;
    private boolean oversize;

    MessageBuffer(ByteBufAllocator allocator, Path spoolDir, int spoolThreshold, long maxSize) {
        this.allocator = allocator;
        this.spoolDir = spoolDir;
        this.spoolThreshold = spoolThreshold;
        this.maxSize = maxSize;
    }

    /** Appends and releases {@code bytes}. */
    void append(ByteBuf bytes) {
        try {
            int n = bytes.readableBytes();
            size += n;
            if (oversize || size > maxSize) {
                if (!oversize) {
                    oversize = true;
                    freeStorage();
                }
                return;
            }
            if (spool == null && size > spoolThreshold) {
                spill();
            }
            if (spool != null) {
                while (bytes.isReadable()) {
                    bytes.readBytes(spool, bytes.readableBytes());
                }
            } else {
                if (memory == null) {
                    memory = allocator.buffer(Math.max(n, 1024), spoolThreshold);
                }
                memory.writeBytes(bytes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot spool message", e);
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

    private void spill() throws IOException {
        Files.createDirectories(spoolDir);
        spoolFile = spoolDir.resolve(UUID.randomUUID() + ".eml");
        spool = FileChannel.open(spoolFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        if (memory != null) {
            while (memory.isReadable()) {
                memory.readBytes(spool, memory.readableBytes());
            }
            memory.release();
            memory = null;
        }
    }

    /** The collected message; this buffer no longer owns it. */
    MessageContent finish() {
        try {
            if (spool != null) {
                spool.close();
                spool = null;
                MessageContent content = MessageContent.inSpoolFile(spoolFile, size);
                spoolFile = null;
                return content;
            }
            ByteBuf bytes = memory != null ? memory : allocator.buffer(0);
            memory = null;
            return MessageContent.inBuffer(bytes);
        } catch (IOException e) {
            discard();
            throw new UncheckedIOException("cannot close spool file", e);
        }
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
            try {
                spool.close();
            } catch (IOException ignored) {
                // deleting below is what matters
            }
            spool = null;
        }
        if (spoolFile != null) {
            try {
                Files.deleteIfExists(spoolFile);
            } catch (IOException ignored) {
                // a stale spool file is removed at the next start
            }
            spoolFile = null;
        }
    }
}
