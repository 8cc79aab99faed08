package io.mailgateway.store.archive;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@link ArchiveWriter}'s record of which appends to its open hour file are known to be on
 * disk: each append waits here until an fsync that started after it succeeds, or fails with the
 * first fsync that fails. After a failure none of the appends then waiting can be confirmed by a
 * later fsync (the kernel may have dropped their pages and report the next fsync a success), and
 * the file is untrusted past the length its last good fsync covered.
 *
 * <p>Not thread-safe: used under the writer's lock.
 */
final class PendingAppends {

    /** One append waiting for the fsync that makes it durable. */
    static final class Append {
        final long seq;
        final long end;
        private boolean synced;
        private IOException failure;

        private Append(long seq, long end) {
            this.seq = seq;
            this.end = end;
        }

        boolean resolved() {
            return synced || failure != null;
        }

        /** Returns if this append is on disk, else throws why not. */
        void outcome() throws IOException {
            if (failure != null) {
                throw failure;
            }
            if (!synced) {
                throw new IOException("archive file closed before its fsync");
            }
        }
    }

    private final ArrayDeque<Append> unsynced = new ArrayDeque<>();
    private long written;
    /** Length of the open file that its last successful fsync covered. */
    private long syncedLength;
    /**
     * Every file whose fsync failed and that was not opened again since, with the length up to
     * which its content is known synced. Every one, not the last only: with a failure on hour
     * file A and then one on hour file B, a redelivery of A's failed appends must still find A
     * cut back, or it would find its unsynced copy there and skip it.
     */
    private final Map<Path, Long> untrusted = new HashMap<>();

    /** A file was opened (and synced) with {@code length} octets in it. */
    void opened(Path file, long length) {
        untrusted.remove(file);
        syncedLength = length;
    }

    /** {@code file} holds a fragment from {@code length} on: it is cut back there when next opened. */
    void untrustFrom(Path file, long length) {
        untrusted.merge(file, length, Math::min);
    }

    /** How far {@code file} may be trusted: -1 for all of it, else the length to cut it back to. */
    long trustedLength(Path file) {
        return untrusted.getOrDefault(file, -1L);
    }

    /** An append now in the file up to {@code end}, waiting for its fsync. */
    Append appended(long end) {
        Append a = new Append(++written, end);
        unsynced.add(a);
        return a;
    }

    /** The last append so far: an fsync starting now covers every append up to it. */
    Append last() {
        return unsynced.getLast();
    }

    /** An fsync that started after {@code covered} succeeded. */
    void synced(Append covered) {
        syncedLength = Math.max(syncedLength, covered.end);
        while (!unsynced.isEmpty() && unsynced.peek().seq <= covered.seq) {
            unsynced.poll().synced = true;
        }
    }

    /** The file was forced and closed: every append in it is on disk. */
    void allSynced() {
        unsynced.forEach(a -> a.synced = true);
        unsynced.clear();
    }

    /**
     * An fsync of {@code file} failed (or could not run): every append waiting fails, and the file
     * is untrusted past what was synced. @return how many appends failed
     */
    int failAll(Path file, IOException cause) {
        int failed = unsynced.size();
        for (Append a : unsynced) {
            a.failure = new IOException("archive fsync failed: " + cause.getMessage(), cause);
        }
        unsynced.clear();
        untrusted.merge(file, syncedLength, Math::min);
        return failed;
    }
}
