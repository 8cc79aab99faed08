package io.mailgateway.store.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failed fsync (EIO) fails every append it covered and every append waiting on it; no later,
 * successful fsync may declare them durable (after a failed fsync Linux may have dropped the
 * dirty pages and report the next fsync a success). Their redeliveries, which look for their
 * queue ID with skipIfPresent, must append them again rather than find the unsynced copies.
 * The disk error is injected by {@link FaultyFsyncChannel} over real files.
 */
class ArchiveFsyncFailureTest {

    private static final long T = Instant.parse("2026-03-04T10:15:30Z").toEpochMilli();

    @TempDir
    Path root;

    private final ExecutorService consumers = Executors.newFixedThreadPool(2);

    @AfterEach
    void stopConsumers() {
        consumers.shutdownNow();
    }

    @Test
    void should_fail_an_append_waiting_on_a_failed_fsync_even_when_the_next_fsync_succeeds() throws Exception {
        FaultyFsyncChannel.Faults faults = new FaultyFsyncChannel.Faults();
        try (ArchiveWriter writer = new ArchiveWriter(root, faults)) {
            writer.append(entry("Q0"), false); // opens the hour file, synced
            faults.written.drainPermits();
            faults.failNextForce.release();
            faults.releaseFailingForce = new CountDownLatch(1);

            Future<Boolean> first = consumers.submit(() -> writer.append(entry("Q1"), false));
            faults.failingForceEntered.await();
            Future<Boolean> second = consumers.submit(() -> writer.append(entry("Q2"), false));
            faults.written.acquire(2); // Q2 is in the file while the fsync covering Q1 is still running
            faults.releaseFailingForce.countDown();

            assertFailedByTheFsync(first);
            assertFailedByTheFsync(second);

            assertThat(writer.append(entry("Q3"), false)).isTrue();
            // the broker redelivers Q1 and Q2: appended again, not skipped as present
            assertThat(writer.append(entry("Q1"), true)).as("Q1 redelivered").isTrue();
            assertThat(writer.append(entry("Q2"), true)).as("Q2 redelivered").isTrue();
        }
        assertThat(queueIds()).containsExactly("Q0", "Q3", "Q1", "Q2");
    }

    @Test
    void should_append_again_a_message_whose_fsync_failed_when_it_is_redelivered() throws Exception {
        FaultyFsyncChannel.Faults faults = new FaultyFsyncChannel.Faults();
        try (ArchiveWriter writer = new ArchiveWriter(root, faults)) {
            writer.append(entry("Q0"), false);
            faults.failNextForce.release();

            assertThatThrownBy(() -> writer.append(entry("Q1"), false)).isInstanceOf(IOException.class);
            assertThat(writer.append(entry("Q2"), false)).isTrue();
            assertThat(writer.append(entry("Q1"), true)).as("Q1 redelivered after its failed fsync").isTrue();
        }
        assertThat(queueIds()).containsExactly("Q0", "Q2", "Q1");
    }

    /** A failure on one hour file, then one on the next: each file stays cut back for its redelivery. */
    @Test
    void should_append_again_the_failed_messages_of_two_hour_files() throws Exception {
        long nextHour = T + 3_600_000;
        FaultyFsyncChannel.Faults faults = new FaultyFsyncChannel.Faults();
        try (ArchiveWriter writer = new ArchiveWriter(root, faults)) {
            writer.append(entry("Q0"), false);
            faults.failNextForce.release();
            assertThatThrownBy(() -> writer.append(entry("Q1"), false)).isInstanceOf(IOException.class);
            writer.append(entry("P0", nextHour), false);
            faults.failNextForce.release();
            assertThatThrownBy(() -> writer.append(entry("P1", nextHour), false)).isInstanceOf(IOException.class);

            assertThat(writer.append(entry("Q1"), true)).as("Q1 redelivered to the first hour's file").isTrue();
            assertThat(writer.append(entry("P1", nextHour), true)).as("P1 redelivered to the second's").isTrue();
        }
        assertThat(queueIds()).containsExactly("Q0", "Q1");
        assertThat(new ArchiveReader(root, warning -> { }).entries(ArchiveWriter.hourFile(root, nextHour)).stream()
                .map(MboxEntry::queueId).toList()).containsExactly("P0", "P1");
    }

    /**
     * An append that fails half written (a full disk) and whose fragment cannot be cut either:
     * the next append must not follow the fragment. It did, and the reader then took the
     * fragment's record for one running into the next message's bytes: Q2, acknowledged, could
     * not be read, and the next opening of the file cut it away.
     */
    @Test
    void should_not_append_after_a_fragment_it_could_not_cut() throws Exception {
        FaultyFsyncChannel.Faults faults = new FaultyFsyncChannel.Faults();
        try (ArchiveWriter writer = new ArchiveWriter(root, faults)) {
            writer.append(entry("Q0"), false);
            faults.failNextWriteAndTruncate = true;
            assertThatThrownBy(() -> writer.append(entry("Q1"), false)).isInstanceOf(IOException.class);
            assertThat(writer.append(entry("Q2"), false)).isTrue();
            assertThat(queueIds()).as("readable while the writer runs").containsExactly("Q0", "Q2");
            assertThat(writer.append(entry("Q1"), true)).as("Q1 redelivered").isTrue();
        }
        assertThat(queueIds()).containsExactly("Q0", "Q2", "Q1");
        try (ArchiveWriter again = new ArchiveWriter(root)) { // opened again: nothing of it cut
            assertThat(again.append(entry("Q2"), true)).as("Q2 found, not written twice").isFalse();
        }
        assertThat(queueIds()).containsExactly("Q0", "Q2", "Q1");
    }

    private static void assertFailedByTheFsync(Future<Boolean> append) {
        assertThatThrownBy(append::get).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(IOException.class).hasMessageContaining("fsync");
    }

    private List<String> queueIds() throws IOException {
        return new ArchiveReader(root, warning -> { }).entries(ArchiveWriter.hourFile(root, T)).stream()
                .map(MboxEntry::queueId).toList();
    }

    private static MboxEntry entry(String id) {
        return entry(id, T);
    }

    private static MboxEntry entry(String id, long t) {
        return new MboxEntry(id, "s@example.org", t, ("Subject: " + id + "\r\n\r\nbody of " + id + "\r\n").getBytes(StandardCharsets.UTF_8));
    }
}
