package io.mailgateway.store.maildir;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.store.DurableFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A directory entry is durable only once its parent directory is fsync'd: a mailbox created for
 * a message (domain, user, tmp/new/cur, and the .Junk folder) must be synced into each parent
 * before the message counts as stored, or a power cut loses the acknowledged file with its
 * directory. A power cut cannot be made here, so the test records each directory fsync with
 * what the directory held at that moment, and checks that every directory the delivery created
 * was in its parent when the parent was synced, before {@code deliver} returned.
 */
class MaildirDirectorySyncTest {

    /** One directory fsync and the names the directory held then. */
    private record Sync(Path dir, Set<String> entries) {
    }

    @TempDir
    Path root;

    private final List<Sync> syncs = new CopyOnWriteArrayList<>();

    @BeforeEach
    void recordDirectorySyncs() {
        DurableFiles.observeDirectorySyncs(dir -> syncs.add(new Sync(dir, entries(dir))));
    }

    @AfterEach
    void stopRecording() {
        DurableFiles.observeDirectorySyncs(null);
    }

    @Test
    void should_sync_every_directory_a_first_delivery_creates_into_its_parent() throws IOException {
        Path box = root.resolve("example.com").resolve("ann");

        new MaildirDelivery("1.Q1.host").deliver(List.of(box), header(), body(), false);

        assertSyncedIntoParents(root.resolve("example.com"), box, box.resolve("tmp"), box.resolve("new"), box.resolve("cur"));
        assertThat(syncs).as("the rename into new/ is synced last").last().extracting(Sync::dir).isEqualTo(box.resolve("new"));
    }

    @Test
    void should_sync_a_new_mailbox_in_a_domain_that_exists() throws IOException {
        Files.createDirectories(root.resolve("example.com").resolve("bob").resolve("new"));
        Path box = root.resolve("example.com").resolve("cid");

        new MaildirDelivery("1.Q2.host").deliver(List.of(box), header(), body(), false);

        assertSyncedIntoParents(box, box.resolve("tmp"), box.resolve("new"), box.resolve("cur"));
    }

    @Test
    void should_sync_the_junk_folder_a_quarantined_message_creates() throws IOException {
        Path box = root.resolve("example.com").resolve("dee");

        Path junk = MaildirStore.junkFolder(box);
        new MaildirDelivery("1.Q3.host").deliver(List.of(junk), header(), body(), true);

        assertSyncedIntoParents(root.resolve("example.com"), box, junk, junk.resolve("maildirfolder"),
                junk.resolve("tmp"), junk.resolve("new"), junk.resolve("cur"));
    }

    @Test
    void should_finish_a_mailbox_a_crash_left_half_made_and_deliver_into_it() throws IOException {
        Path box = root.resolve("example.com").resolve("eve");
        Files.createDirectories(box.resolve("tmp"));
        Files.createDirectories(box.resolve("new")); // killed before cur/ was made

        int written = new MaildirDelivery("1.Q4.host").deliver(List.of(box), header(), body(), true);

        assertThat(written).isEqualTo(1);
        assertThat(box.resolve("new").resolve("1.Q4.host")).exists();
        assertSyncedIntoParents(box.resolve("cur"));
    }

    /** A kill -9 after the rename, and a restart under another host name: the redelivery finds the copy. */
    @Test
    void should_find_the_copy_of_an_earlier_attempt_made_under_another_host_name() throws IOException {
        Path inNew = root.resolve("example.com").resolve("fay");
        Path read = root.resolve("example.com").resolve("gus");
        new MaildirDelivery("1.Q5.old-name").deliver(List.of(inNew, read), header(), body(), false);
        Files.move(read.resolve("new").resolve("1.Q5.old-name"), read.resolve("cur").resolve("1.Q5.old-name:2,S"));
        syncs.clear();

        int written = new MaildirDelivery("1.Q5.192.0.2.7").deliver(List.of(inNew, read), header(), body(), true);

        assertThat(written).as("mailboxes written again").isZero();
        assertThat(inNew.resolve("new")).isDirectoryContaining(p -> true).satisfies(dir -> assertThat(entries(dir)).containsExactly("1.Q5.old-name"));
        assertThat(entries(read.resolve("new"))).isEmpty();
        assertThat(syncs).as("the copy in new/ is made durable again").anyMatch(s -> s.dir().equals(inNew.resolve("new")));
        // another message of the same second is not taken for this one
        assertThat(new MaildirDelivery("1.Q50.old-name").deliver(List.of(inNew), header(), body(), true)).isEqualTo(1);
    }

    private void assertSyncedIntoParents(Path... created) {
        for (Path entry : created) {
            assertThat(Files.exists(entry)).as("%s exists", entry).isTrue();
            assertThat(syncs).as("an fsync of %s after %s was made in it", entry.getParent(), entry.getFileName())
                    .anyMatch(s -> s.dir().equals(entry.getParent()) && s.entries().contains(entry.getFileName().toString()));
        }
    }

    private static Set<String> entries(Path dir) {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] header() {
        return "Return-Path: <s@example.org>\r\n".getBytes(StandardCharsets.US_ASCII);
    }

    private static ByteArrayInputStream body() {
        return new ByteArrayInputStream("Subject: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII));
    }
}
