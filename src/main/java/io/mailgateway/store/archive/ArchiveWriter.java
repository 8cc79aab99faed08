package io.mailgateway.store.archive;

import io.mailgateway.store.DurableFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer of the archive: {@code ROOT/yyyy/mm/dd/HH.mbox.zst} by the UTC hour of
 * receipt, one file open at a time (a message for another hour closes it and opens that one).
 * Appends are serialized by one lock; the fsync runs outside it, so concurrent consumers that
 * appended meanwhile share one fsync (group commit). {@link #append} returns only after the
 * record is on disk.
 *
 * <p>A large message is compressed streaming into a temporary file {@code .HH.mbox.zst.*.tmp} in
 * the hour file's directory (outside the lock), then copied into the hour file under the lock by
 * {@link FileChannel#transferFrom} (no copy in the heap); the temporary file is deleted after
 * either outcome.
 *
 * <p>Opening a file drops an incomplete tail left by a crash mid-append (complete records before
 * it are untouched), so later appends never follow garbage; opening a directory for the first
 * time removes temporary files that an earlier run left there.
 *
 * <p>An fsync that fails fails every append it covered, and every append not yet known synced:
 * after a failed fsync the kernel may have dropped those pages yet report the next fsync a
 * success, so a later sync proves nothing about them. The file is closed and, when next opened,
 * cut back to what the last successful fsync covered, so their redeliveries append them again
 * instead of finding (and skipping) copies that may never reach the disk.
 */
public final class ArchiveWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ArchiveWriter.class);

    /** Messages up to this size are compressed in memory (faster than a temporary file). */
    static final int IN_MEMORY_MAX = 256 * 1024;
    static final String TEMP_SUFFIX = ".tmp";

    private final Path root;
    /** Names this writer's temporary files, so it removes only those of earlier runs. */
    private final String instance = Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    private final AtomicLong tempSeq = new AtomicLong();
    private final Set<Path> cleanedDirs = new HashSet<>();
    private final Object lock = new Object();
    private final Object syncLock = new Object();
    private final HourFileOpener opener;
    private Path currentPath;
    private FileChannel channel;
    /** Which appends to the current file are on disk; guarded by the lock. */
    private final PendingAppends pending = new PendingAppends();

    /** Opens an hour file for reading and appending (a test puts faults in between). */
    interface HourFileOpener {
        FileChannel open(Path file) throws IOException;
    }

    public ArchiveWriter(Path root) {
        this(root, file -> FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE));
    }

    ArchiveWriter(Path root, HourFileOpener opener) {
        this.root = root;
        this.opener = opener;
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
        PendingAppends.Append mine;
        synchronized (lock) {
            open(file);
            if (skipIfPresent && present(entry.queueId())) {
                return false;
            }
            long start = channel.size();
            long pos = start;
            try {
                while (record.hasRemaining()) {
                    pos += channel.write(record, pos);
                }
            } catch (IOException | RuntimeException e) {
                dropPartial(start);
                throw e;
            }
            mine = pending.appended(pos);
        }
        sync(mine);
        return true;
    }

    /**
     * Appends a message read from a stream, durably, like {@link #append(MboxEntry, boolean)}. A
     * message up to {@link #IN_MEMORY_MAX} bytes is compressed in memory; a larger one is
     * compressed streaming into a temporary file next to its hour file (outside the lock, so
     * consumers still compress in parallel), then copied into the hour file by the kernel. Memory
     * per consumer stays bounded whatever the message size.
     */
    public boolean append(String queueId, String sender, long receivedAt, InputStream message, boolean skipIfPresent)
            throws IOException {
        byte[] head = message.readNBytes(IN_MEMORY_MAX + 1);
        if (head.length <= IN_MEMORY_MAX) {
            return append(new MboxEntry(queueId, sender, receivedAt, head), skipIfPresent);
        }
        Path file = hourFile(root, receivedAt);
        Path dir = file.getParent();
        DurableFiles.createDirectoriesDurably(dir);
        Path temp = dir.resolve("." + file.getFileName() + "." + instance + "-" + tempSeq.incrementAndGet() + TEMP_SUFFIX);
        try {
            try (OutputStream out = ArchiveFrames.compressing(Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE))) {
                MboxEntry.write(queueId, sender, receivedAt, new SequenceInputStream(new ByteArrayInputStream(head), message), out);
            }
            head = null; // not held while waiting for the lock
            PendingAppends.Append mine;
            try (FileChannel compressed = FileChannel.open(temp, StandardOpenOption.READ)) {
                long length = compressed.size();
                ByteBuffer index = ArchiveFrames.index(queueId, length);
                synchronized (lock) {
                    open(file);
                    if (skipIfPresent && present(queueId)) {
                        return false;
                    }
                    long start = channel.size();
                    long pos = start;
                    try {
                        while (index.hasRemaining()) {
                            pos += channel.write(index, pos);
                        }
                        long end = pos + length;
                        while (pos < end) {
                            long n = channel.transferFrom(compressed, pos, end - pos);
                            if (n <= 0) {
                                throw new IOException("temporary archive file " + temp + " ended early");
                            }
                            pos += n;
                        }
                    } catch (IOException | RuntimeException e) {
                        dropPartial(start);
                        throw e;
                    }
                    mine = pending.appended(pos);
                }
            }
            sync(mine);
            return true;
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private boolean present(String queueId) throws IOException {
        return ArchiveFrames.scan(channel).frames().stream().anyMatch(f -> f.queueId().equals(queueId));
    }

    /**
     * After a failed append (not a crash): cut what it wrote, so later appends do not follow it.
     * If even that fails, the file is closed and marked untrusted past {@code start}: the next
     * append opens it again, which cuts it there first (or fails, and is retried). Appending on
     * after the fragment made the reader take the fragment's record for one running into the next
     * message's bytes: both were lost, the second one acknowledged.
     */
    private void dropPartial(long start) {
        try {
            if (channel != null && channel.isOpen() && channel.size() > start) {
                channel.truncate(start);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("archive {}: could not drop a partial record at offset {}; closing the file, it is cut there when next opened",
                    currentPath, start, e);
            Path file = currentPath;
            try {
                closeCurrent(); // the appends before the fragment are made durable by its force
            } catch (IOException | RuntimeException closing) {
                LOG.warn("archive {}: closing after a failed append: {}", file, closing.toString());
                closeQuietly();
            }
            pending.untrustFrom(file, start);
        }
    }

    private void closeQuietly() {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // closing is all we wanted
        }
        channel = null;
        currentPath = null;
    }

    /**
     * Returns once {@code mine} is on disk: covered by an fsync that succeeded, its own or one
     * another thread ran meanwhile (group commit). Throws if an fsync that covered it failed.
     */
    private void sync(PendingAppends.Append mine) throws IOException {
        synchronized (syncLock) {
            PendingAppends.Append covered;
            FileChannel ch;
            synchronized (lock) {
                if (mine.resolved()) {
                    mine.outcome();
                    return;
                }
                covered = pending.last();
                ch = channel;
            }
            try {
                ch.force(false);
            } catch (IOException e) {
                synchronized (lock) {
                    if (channel == ch) {
                        failPending(e);
                    }
                    mine.outcome(); // else the file was closed meanwhile, which settled mine
                }
                return;
            }
            synchronized (lock) {
                if (channel == ch) {
                    pending.synced(covered);
                }
                mine.outcome();
            }
        }
    }

    /**
     * Under the lock, after an fsync of the current file failed (or could not run: the file was
     * closed by an interrupted thread): every append not yet known synced fails, and the file is
     * closed, to be cut back to what was synced when next opened.
     */
    private void failPending(IOException cause) {
        int failed = pending.failAll(currentPath, cause);
        LOG.error("archive {}: fsync failed; {} append(s) since the last good fsync fail and are cut from the file",
                currentPath, failed, cause);
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("archive {}: close after a failed fsync: {}", currentPath, e.toString());
        }
        channel = null;
        currentPath = null;
    }

    private void open(Path file) throws IOException {
        if (channel != null && !channel.isOpen()) {
            // closed under a thread that was interrupted in I/O: what it did not sync fails
            failPending(new ClosedChannelException());
        }
        if (file.equals(currentPath) && channel != null) {
            return;
        }
        closeCurrent();
        Path dir = file.getParent();
        DurableFiles.createDirectoriesDurably(dir);
        if (cleanedDirs.add(dir)) {
            removeStaleTemps(dir);
        }
        boolean created = !Files.exists(file);
        FileChannel ch = opener.open(file);
        long length = 0;
        try {
            if (created) {
                DurableFiles.syncDirectory(dir);
            } else {
                long trusted = pending.trustedLength(file);
                if (trusted >= 0 && ch.size() > trusted) {
                    LOG.warn("archive {}: cutting {} bytes written after its last good fsync", file, ch.size() - trusted);
                    ch.truncate(trusted);
                }
                ArchiveFrames.Scan scan = ArchiveFrames.scan(ch);
                if (scan.truncated()) {
                    LOG.warn("archive {}: dropping an incomplete record of {} bytes at offset {} (a crash mid-append)",
                            file, scan.fileLength() - scan.validLength(), scan.validLength());
                    ch.truncate(scan.validLength());
                }
                // What is in the file now is on disk, so a redelivery that finds its queue ID here may skip.
                ch.force(true);
                length = ch.size();
            }
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        pending.opened(file, length);
        channel = ch;
        currentPath = file;
    }

    /** Temporary files of an earlier run (a crash or kill mid-append), never this writer's own. */
    private void removeStaleTemps(Path dir) throws IOException {
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(dir, ".*" + TEMP_SUFFIX)) {
            for (Path temp : temps) {
                if (!temp.getFileName().toString().contains("." + instance + "-")) {
                    LOG.info("archive {}: removing a stale temporary file", temp);
                    Files.deleteIfExists(temp);
                }
            }
        }
    }

    private void closeCurrent() throws IOException {
        if (channel != null) {
            try {
                channel.force(false); // appends not yet synced by their threads are covered here
            } catch (IOException e) {
                failPending(e);
                throw e;
            }
            pending.allSynced();
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
