package io.mailgateway.broker;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An exclusive lock on {@code $DATA_DIR/broker/journal.lock}, held by the gateway's broker while it
 * runs (Artemis without HA takes no file lock of its own), and by whoever else must know that no
 * broker writes the journal: the backup command copying the files, a second gateway started on the
 * same DATA_DIR (refused). An OS lock: it goes with the process, also when it is killed.
 *
 * <p>POSIX record locks belong to the process, and closing ANY descriptor of the file drops them:
 * a refused second attempt in the same JVM must not even open the file, or it would free the lock
 * its first holder still counts on. So holders in this JVM are also kept in {@link #HELD}.
 */
public final class JournalLock implements AutoCloseable {

    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private boolean closed;

    private JournalLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock, or null when another holder (a running broker) has it. */
    public static JournalLock tryAcquire(Path dataDir) throws IOException {
        Path file = dataDir.resolve("broker").resolve("journal.lock").toAbsolutePath().normalize();
        if (!HELD.add(file)) {
            return null; // held in this very JVM
        }
        try {
            Files.createDirectories(file.getParent());
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // locked in this JVM other than through this class
            }
            if (lock == null) {
                channel.close();
                HELD.remove(file);
                return null;
            }
            return new JournalLock(file, channel, lock);
        } catch (IOException | RuntimeException e) {
            HELD.remove(file);
            throw e;
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try (channel) {
            lock.release();
        } finally {
            HELD.remove(file);
        }
    }
}
