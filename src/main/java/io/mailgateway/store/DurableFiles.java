package io.mailgateway.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/**
 * The few file-system steps every store needs to make a write survive a crash: data fsync'd
 * before it counts, and a directory fsync'd after an entry in it was created or renamed.
 */
public final class DurableFiles {

    private DurableFiles() {
    }

    /** Writes {@code head} then {@code rest} to {@code file} (created or truncated) and fsyncs it. */
    public static void writeSynced(Path file, byte[] head, InputStream rest) throws IOException {
        write(file, head, rest, true);
    }

    /**
     * Writes {@code head} then {@code rest} to {@code file} (created or truncated), and fsyncs it
     * when {@code fsync}; otherwise the caller makes it durable ({@link FileSystemSync}).
     *
     * <p>In chunks of {@value #CHUNK} octets, each starting at a multiple of the chunk size in the
     * file: head and body are joined in one buffer first. Why: the stores prepend a line (the
     * Return-Path) to a body, and writing the two as they come puts every later write at an offset
     * that straddles a page. The kernel then zeroes the rest of each page it starts (a profile of
     * 1 MiB messages showed that memset as 6 % of the gateway's CPU) and each 8 KiB write is a
     * system call of its own. Aligned chunks are whole pages: no zeroing, and one call per 64 KiB
     * (one for a whole small message, where head and body were two).
     */
    public static void write(Path file, byte[] head, InputStream rest, boolean fsync) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] chunk = CHUNKS.get();
            int fromHead = 0;
            while (true) {
                int filled = Math.min(head.length - fromHead, chunk.length);
                System.arraycopy(head, fromHead, chunk, 0, filled);
                fromHead += filled;
                if (filled < chunk.length) {
                    filled += rest.readNBytes(chunk, filled, chunk.length - filled); // short only at the end
                }
                ByteBuffer out = ByteBuffer.wrap(chunk, 0, filled);
                while (out.hasRemaining()) {
                    ch.write(out);
                }
                if (filled < chunk.length) {
                    break;
                }
            }
            if (fsync) {
                ch.force(true);
            }
        }
    }

    /** Octets per write: 16 pages. */
    static final int CHUNK = 64 * 1024;

    /** One chunk buffer per store thread (a few threads), not one allocation per file. */
    private static final ThreadLocal<byte[]> CHUNKS = ThreadLocal.withInitial(() -> new byte[CHUNK]);

    /** Sees each directory just fsync'd ({@link #observeDirectorySyncs}); none by default. */
    private static volatile Consumer<Path> directorySynced = dir -> { };

    /** fsync a directory so that a create or rename in it survives a crash. */
    public static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
        directorySynced.accept(dir);
    }

    /**
     * Test seam: {@code observer} is told of every directory fsync from now on (null: none). A
     * lost directory entry after a power cut cannot be produced in a test, so the tests check
     * that the fsync which prevents it happens, and after the entry exists.
     */
    public static void observeDirectorySyncs(Consumer<Path> observer) {
        directorySynced = observer == null ? dir -> { } : observer;
    }

    /** Creates the missing directories of {@code dir}, fsyncing the parent of each one created. */
    public static void createDirectoriesDurably(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        createDirectoriesDurably(dir.getParent());
        try {
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            // made meanwhile by another consumer, whose fsync may not have run yet: ours must
            // not be acknowledged before the entry is durable, so sync it here too
        }
        syncDirectory(dir.getParent());
    }
}
