package io.mailgateway.store.archive;

import io.mailgateway.store.DurableFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer of the archive: {@code ROOT/yyyy/mm/dd/HH.mbox.zst} by the UTC hour of
 * receipt, one file open at a time (a message for another hour closes it and opens that one).
 * Appends are serialized by one lock; the fsync runs outside it, so concurrent consumers that
 * appended meanwhile share one fsync (group commit). {@link #append} returns only after the
 * record is on disk.
 *
 * <p>Opening a file drops an incomplete tail left by a crash mid-append (complete records before
 * it are untouched), so later appends never follow garbage.
 */
public final class ArchiveWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ArchiveWriter.class);

    private final Path root;
    private final Object lock = new Object();
    private final Object syncLock = new Object();
    private Path currentPath;
    private FileChannel channel;
    private long written;
    private long synced;
    /** Appends up to this one were forced by closing their file. */
    private long forcedByClose;

    public ArchiveWriter(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /** The hour file of a receipt time (epoch ms). */
    public static Path hourFile(Path root, long receivedAt) {
        ZonedDateTime t = Instant.ofEpochMilli(receivedAt).atZone(ZoneOffset.UTC);
        return root.resolve(String.format("%04d", t.getYear())).resolve(String.format("%02d", t.getMonthValue()))
                .resolve(String.format("%02d", t.getDayOfMonth())).resolve(String.format("%02d.mbox.zst", t.getHour()));
    }

    /**
     * Appends a message durably. With {@code skipIfPresent} (a redelivery) a queue ID already in
     * the hour file is not appended again.
     *
     * @return whether the message was appended
     */
    public boolean append(MboxEntry entry, boolean skipIfPresent) throws IOException {
        ByteBuffer record = ArchiveFrames.encode(entry.queueId(), entry.encode()); // compress outside the lock
        Path file = hourFile(root, entry.receivedAt());
        long mySeq;
        synchronized (lock) {
            open(file);
            if (skipIfPresent && ArchiveFrames.scan(channel).frames().stream().anyMatch(f -> f.queueId().equals(entry.queueId()))) {
                return false;
            }
            long pos = channel.size();
            while (record.hasRemaining()) {
                pos += channel.write(record, pos);
            }
            mySeq = ++written;
        }
        sync(mySeq);
        return true;
    }

    private void sync(long mySeq) throws IOException {
        synchronized (syncLock) {
            if (synced >= mySeq) {
                return; // another thread's fsync covered this append
            }
            long target;
            FileChannel ch;
            synchronized (lock) {
                target = written;
                ch = channel;
            }
            try {
                if (ch == null) {
                    throw new ClosedChannelException();
                }
                ch.force(false);
                synced = target;
            } catch (ClosedChannelException closed) {
                // A switch to another hour file (or close) forces the file before closing it; a
                // channel closed by an interrupt was not, and the caller's transaction rolls back.
                long covered;
                synchronized (lock) {
                    covered = forcedByClose;
                }
                if (covered < mySeq) {
                    throw new IOException("archive file closed before its fsync", closed);
                }
                synced = Math.max(synced, covered);
            }
        }
    }

    private void open(Path file) throws IOException {
        if (channel != null && !channel.isOpen()) {
            channel = null; // closed under a thread that was interrupted in I/O
            currentPath = null;
        }
        if (file.equals(currentPath) && channel != null) {
            return;
        }
        closeCurrent();
        Path dir = file.getParent();
        DurableFiles.createDirectoriesDurably(dir);
        boolean created = !Files.exists(file);
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            if (created) {
                DurableFiles.syncDirectory(dir);
            } else {
                ArchiveFrames.Scan scan = ArchiveFrames.scan(ch);
                if (scan.truncated()) {
                    LOG.warn("archive {}: dropping an incomplete record of {} bytes at offset {} (a crash mid-append)",
                            file, scan.fileLength() - scan.validLength(), scan.validLength());
                    ch.truncate(scan.validLength());
                }
                // What is in the file now is on disk, so a redelivery that finds its queue ID here may skip.
                ch.force(true);
            }
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        channel = ch;
        currentPath = file;
    }

    private void closeCurrent() throws IOException {
        if (channel != null) {
            channel.force(false); // appends not yet synced by their threads are covered here
            forcedByClose = written;
            channel.close();
            channel = null;
            currentPath = null;
        }
    }

    @Override
    public void close() throws IOException {
        synchronized (lock) {
            closeCurrent();
        }
    }
}
