package io.mailgateway.store;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * syncfs(2) on one file system: everything written on it made durable by one call, so a batch of
 * N new files costs one writeback pass and one disk cache flush instead of N fsyncs (each of
 * which, on ext4, also writes the file's parent directory and flushes the disk cache). Linux 5.8
 * or later only, through JNA; elsewhere {@link #open} returns null and callers fsync file by file.
 *
 * <p>Why 5.8: from then on syncfs reports a writeback error of any file on the file system that
 * happened since its descriptor was opened (errseq_t on the superblock); before, it reported only
 * errors of the sync itself and a failed write of one of our files could pass unseen. So the
 * descriptor is opened BEFORE the files it is to cover are written ({@link #open}), and one
 * instance serves one batch.
 */
public final class FileSystemSync implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FileSystemSync.class);
    /** Without O_DIRECTORY, whose value differs between architectures (0200000 on x86 is O_DIRECT on arm64). */
    private static final int O_RDONLY = 0;
    private static final LibC LIBC = load();

    /** Sees each syncfs just made ({@link #observeSyncs}); none by default. */
    private static volatile Observer synced = dir -> { };

    private final Path dir;
    private final Object device;
    private final Map<Path, Boolean> covered = new HashMap<>(); // one batch's thread only
    private int fd;

    interface LibC extends Library {
        int open(String path, int flags) throws LastErrorException;

        int syncfs(int fd) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private FileSystemSync(Path dir, Object device, int fd) {
        this.dir = dir;
        this.device = device;
        this.fd = fd;
    }

    private static LibC load() {
        if (!Platform.isLinux() || !atLeastKernel(System.getProperty("os.version", ""), 5, 8)) {
            return null;
        }
        return Libc.load(LibC.class, "syncfs(2) is not available: the Maildir store fsyncs file by file");
    }

    public static boolean atLeastKernel(String kernel, int major, int minor) {
        Matcher m = Pattern.compile("^(\\d+)\\.(\\d+)").matcher(kernel);
        if (!m.find()) {
            return false;
        }
        int ma = Integer.parseInt(m.group(1));
        return ma > major || (ma == major && Integer.parseInt(m.group(2)) >= minor);
    }

    /** Whether syncfs(2) can be used here (Linux 5.8 or later, JNA loaded). */
    public static boolean available() {
        return LIBC != null;
    }

    /**
     * Opens the file system of {@code dir} (an existing directory), before writing the files that
     * {@link #sync} is to make durable; null when syncfs is not {@link #available()}.
     */
    public static FileSystemSync open(Path dir) throws IOException {
        if (LIBC == null) {
            return null;
        }
        Object device = Files.getAttribute(dir, "unix:dev");
        try {
            return new FileSystemSync(dir, device, LIBC.open(dir.toString(), O_RDONLY));
        } catch (LastErrorException e) {
            throw new IOException("open " + dir + " for syncfs: " + e.getMessage(), e);
        }
    }

    /**
     * Whether {@code path} (existing) is on this file system, so {@link #sync} covers it; asked
     * once per path per instance (a batch), as a batch's messages mostly go to the same mailboxes.
     */
    public boolean covers(Path path) throws IOException {
        Boolean known = covered.get(path);
        if (known == null) {
            known = device.equals(Files.getAttribute(path, "unix:dev"));
            covered.put(path, known);
        }
        return known;
    }

    /**
     * syncfs(2): makes durable everything written on the file system, failing if any write on it
     * failed since {@link #open}.
     */
    public void sync() throws IOException {
        try {
            LIBC.syncfs(fd);
        } catch (LastErrorException e) {
            throw new IOException("syncfs " + dir + ": " + e.getMessage(), e);
        }
        synced.synced(dir);
    }

    /**
     * Test seam: {@code observer} is told of every syncfs from now on (null: none). What it throws
     * stands for a failed syncfs: an EIO of the disk cannot be produced in a test, and what the
     * store does with it decides whether a message is lost.
     */
    public static void observeSyncs(Observer observer) {
        synced = observer == null ? dir -> { } : observer;
    }

    /** Told of a syncfs of the file system of {@code dir} that has just succeeded. */
    @FunctionalInterface
    public interface Observer {
        void synced(Path dir) throws IOException;
    }

    @Override
    public void close() {
        if (fd >= 0) {
            try {
                LIBC.close(fd);
            } catch (LastErrorException e) {
                LOG.debug("close after syncfs of {}: {}", dir, e.getMessage());
            }
            fd = -1;
        }
    }
}
