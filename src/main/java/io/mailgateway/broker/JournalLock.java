package io.mailgateway.broker;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on {@code $DATA_DIR/broker/journal.lock}, held by the gateway's broker while it
 * runs (Artemis without HA takes no file lock of its own), and by whoever else must know that no
 * broker writes the journal: the backup command copying the files, a second gateway started on the
 * same DATA_DIR (refused). An OS lock: it goes with the process, also when it is killed.
 */
public final class JournalLock implements AutoCloseable {

    private final FileChannel channel;
    private final FileLock lock;

    private JournalLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock, or null when another holder (a running broker) has it. */
    public static JournalLock tryAcquire(Path dataDir) throws IOException {
        Path file = dataDir.resolve("broker").resolve("journal.lock");
        Files.createDirectories(file.getParent());
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held in this very JVM
        }
        if (lock == null) {
            channel.close();
            return null;
        }
        return new JournalLock(channel, lock);
    }

    @Override
    public void close() throws IOException {
        try (channel) {
            lock.release();
        }
    }
}
