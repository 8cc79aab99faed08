package io.mailgateway.store.maildir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailgateway.message.EnvelopeCodec;
import io.mailgateway.message.MailHeaders;
import io.mailgateway.store.BatchEntry;
import io.mailgateway.store.DurableFiles;
import io.mailgateway.store.FileSystemSync;
import io.mailgateway.store.StoreBatch;
import io.mailgateway.testing.Envelopes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.DefaultMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MAILDIR_SYNC=filesystem: a batch's files are written into tmp/, made durable by ONE syncfs,
 * renamed into new/, and the renames made durable by a second syncfs, before any message of the
 * batch counts as stored. A power cut cannot be made here, so the test records what tmp/ and
 * new/ held at each syncfs and checks the order that makes the batch crash-safe: no file in new/
 * before the first sync (an empty file there would be taken for the message on redelivery), all
 * of them there at the second, and nothing marked stored before it.
 */
class MaildirFileSystemSyncTest {

    private static final String HOST = "mx.test";
    private static final String BODY = "testBody";

    /** One syncfs: how many files tmp/ and new/ of every mailbox held then, and how many entries were stored. */
    private record Sync(long inTmp, long inNew, long stored) {
    }

    @TempDir
    Path root;

    private final CamelContext camel = new DefaultCamelContext();
    private final List<Sync> syncs = new CopyOnWriteArrayList<>();
    private final List<Path> directorySyncs = new CopyOnWriteArrayList<>();
    private List<BatchEntry> entries = List.of();

    @BeforeEach
    void record() {
        camel.start();
        FileSystemSync.observeSyncs(dir -> syncs.add(new Sync(count("tmp"), count("new"), stored())));
        DurableFiles.observeDirectorySyncs(directorySyncs::add);
    }

    @AfterEach
    void stopRecording() {
        camel.stop();
        FileSystemSync.observeSyncs(null);
        DurableFiles.observeDirectorySyncs(null);
    }

    @Test
    void should_be_available_on_linux_5_8_and_later() {
        String kernel = System.getProperty("os.version");
        boolean expected = System.getProperty("os.name").equals("Linux") && FileSystemSync.atLeastKernel(kernel, 5, 8);
        assertThat(FileSystemSync.available()).as("syncfs through JNA on %s", kernel).isEqualTo(expected);
        assertThat(FileSystemSync.atLeastKernel("5.8.0-63-generic", 5, 8)).isTrue();
        assertThat(FileSystemSync.atLeastKernel("6.1.0", 5, 8)).isTrue();
        assertThat(FileSystemSync.atLeastKernel("5.4.0-200-generic", 5, 8)).isFalse();
        assertThat(FileSystemSync.atLeastKernel("4.19.0", 5, 8)).isFalse();
        assertThat(FileSystemSync.atLeastKernel("", 5, 8)).isFalse();
    }

    @Test
    void should_sync_the_file_system_before_the_renames_and_after_them_and_only_then_mark_stored() throws Exception {
        MaildirStore store = new MaildirStore(root, HOST, true);
        assertThat(store.syncsFileSystem()).as("syncfs available (Linux 5.8+, as every machine this runs on)").isTrue();
        process(store, batch(10, 0));

        assertThat(outcomes()).containsOnly("STORED");
        assertThat(syncs).as("two syncfs for the batch of 10").containsExactly(
                new Sync(10, 0, 0), // data durable in tmp/, nothing in new/ yet
                new Sync(0, 10, 0)); // renames made, none marked stored before this sync
        assertThat(directorySyncs).as("no new/ directory fsync: the second syncfs covers the renames")
                .noneMatch(d -> d.getFileName().toString().equals("new"));
        assertThat(count("new")).isEqualTo(10);
    }

    @Test
    void should_fsync_file_by_file_when_asked() throws Exception {
        MaildirStore store = new MaildirStore(root, HOST, false);
        process(store, batch(10, 0));

        assertThat(outcomes()).containsOnly("STORED");
        assertThat(syncs).isEmpty();
        assertThat(directorySyncs.stream().filter(d -> d.getFileName().toString().equals("new")))
                .as("each mailbox's new/ once for the batch").hasSize(10);
    }

    @Test
    void should_fail_the_whole_batch_when_a_syncfs_fails_and_store_each_message_once_when_it_comes_again() throws Exception {
        MaildirStore store = new MaildirStore(root, HOST, true);
        assertThat(store.syncsFileSystem()).isTrue();
        for (int failing = 1; failing <= 2; failing++) { // the first sync (data), then the second (renames)
            int fail = failing;
            List<Sync> seen = new ArrayList<>();
            FileSystemSync.observeSyncs(dir -> {
                seen.add(null);
                if (seen.size() == fail) {
                    throw new IOException("EIO (test)");
                }
            });
            List<Message> batch = batch(5, 100 * failing);
            assertThatThrownBy(() -> process(store, batch)).isInstanceOf(StoreBatch.Incomplete.class);
            assertThat(outcomes()).as("no message of a batch whose sync failed is stored").containsOnly("FAILED EIO (test)");

            FileSystemSync.observeSyncs(null);
            batch.forEach(m -> m.setHeader("JMSRedelivered", true)); // the broker brings them again
            process(store, batch);
            assertThat(outcomes()).containsOnly("STORED");
        }
        assertThat(count("new")).as("10 messages, each once").isEqualTo(10);
        assertThat(count("tmp")).isZero();
    }

    @Test
    void should_fsync_the_files_of_a_mailbox_mounted_from_another_file_system() throws Exception {
        MaildirStore store = new MaildirStore(root, HOST, true);
        assertThat(store.syncsFileSystem()).isTrue();
        Path elsewhere = Files.createTempDirectory(Path.of("/dev/shm"), "maildir-test");
        try {
            assertThat(Files.getAttribute(elsewhere, "unix:dev")).as("/dev/shm is another file system")
                    .isNotEqualTo(Files.getAttribute(root, "unix:dev"));
            Files.createDirectories(root.resolve("example.com"));
            Files.createSymbolicLink(root.resolve("example.com").resolve("user0"), elsewhere);

            process(store, batch(3, 0));

            assertThat(outcomes()).containsOnly("STORED");
            assertThat(directorySyncs).as("the other file system's new/ fsync'd itself").contains(root.resolve("example.com/user0/new"))
                    .as("the others left to syncfs").doesNotContain(root.resolve("example.com/user1/new"));
            try (Stream<Path> files = Files.list(elsewhere.resolve("new"))) {
                assertThat(files).hasSize(1);
            }
        } finally {
            try (Stream<Path> all = Files.walk(elsewhere)) {
                all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private void process(MaildirStore store, List<Message> messages) throws Exception {
        for (Message m : messages) { // the body as a fresh stream on every attempt, as the broker gives it again
            m.setBody(new java.io.ByteArrayInputStream(m.getHeader(BODY, byte[].class)));
        }
        entries = messages.stream().map(BatchEntry::new).toList();
        Exchange exchange = new DefaultExchange(camel);
        exchange.getIn().setBody(new StoreBatch(entries));
        store.process(exchange);
    }

    /** {@code n} messages, each to its own mailbox user{i}@example.com. */
    private List<Message> batch(int n, int firstId) {
        List<Message> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Message m = new DefaultMessage(camel);
            EnvelopeCodec.write(m, Envelopes.of("s@example.org", List.of(), List.of("user" + i + "@example.com")));
            m.setHeader(MailHeaders.QUEUE_ID, "Q" + (firstId + i));
            m.setHeader(MailHeaders.RECEIVED_AT, 1_700_000_000_000L);
            m.setHeader(BODY, ("Subject: " + i + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII));
            batch.add(m);
        }
        return batch;
    }

    /** Each entry's outcome, with the message of its failure if any. */
    private List<String> outcomes() {
        return entries.stream().map(e -> e.outcome() + (e.failure() == null ? "" : " " + e.failure().getMessage())).toList();
    }

    private long stored() {
        return entries.stream().filter(e -> e.outcome() == BatchEntry.Outcome.STORED).count();
    }

    /** Files in tmp/ or new/ of every mailbox under example.com. */
    private long count(String sub) {
        Path domain = root.resolve("example.com");
        if (!Files.isDirectory(domain)) {
            return 0;
        }
        try (Stream<Path> boxes = Files.list(domain)) {
            return boxes.mapToLong(box -> {
                try (Stream<Path> files = Files.list(box.resolve(sub))) {
                    return files.count();
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
