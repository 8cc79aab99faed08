package io.mailgateway.store.archive;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.luben.zstd.ZstdInputStream;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The archive writer and reader on their own: concurrency, crash tails, hour rotation, redelivery. */
class ArchiveWriterTest {

    private static final long T = Instant.parse("2026-03-04T10:15:30Z").toEpochMilli();
    private static final LocalDate DAY = LocalDate.parse("2026-03-04");

    @TempDir
    Path root;

    private final List<String> warnings = new ArrayList<>();

    private static MboxEntry entry(String id, long at, String text) {
        return new MboxEntry(id, "s@example.org", at, ("Subject: " + id + "\r\n\r\n" + text + "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void should_keep_every_frame_intact_under_concurrent_appends() throws Exception {
        int threads = 16;
        int perThread = 40;
        List<Future<?>> done = new ArrayList<>();
        try (ArchiveWriter writer = new ArchiveWriter(root)) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        String id = "Q" + thread + "x" + i;
                        writer.append(entry(id, T, ("line of " + id + "\r\n").repeat(50 + i * 7)), false);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            pool.shutdown();
        }
        Path file = ArchiveWriter.hourFile(root, T);
        assertThat(file).isEqualTo(root.resolve("2026/03/04/10.mbox.zst"));
        List<MboxEntry> entries = new ArchiveReader(root, warnings::add).entries(file);
        assertThat(entries).hasSize(threads * perThread);
        for (MboxEntry e : entries) {
            String text = new String(e.message(), StandardCharsets.UTF_8);
            assertThat(text).startsWith("Subject: " + e.queueId() + "\r\n\r\nline of " + e.queueId() + "\r\n");
            assertThat(text.replace("line of " + e.queueId() + "\r\n", "")).isEqualTo("Subject: " + e.queueId() + "\r\n\r\n\r\n");
        }
        // and the file is one valid zstd stream of concatenated frames
        try (InputStream in = new ZstdInputStream(Files.newInputStream(file))) {
            String mbox = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(mbox.split("\r\nX-Mail-Gateway-Queue-Id: ", -1)).hasSize(threads * perThread + 1);
        }
        assertThat(warnings).isEmpty();
    }

    @Test
    void should_skip_a_truncated_last_frame_and_drop_it_before_the_next_append() throws Exception {
        try (ArchiveWriter writer = new ArchiveWriter(root)) {
            for (String id : List.of("A1", "A2", "A3")) {
                writer.append(entry(id, T, "text of " + id), false);
            }
        }
        Path file = ArchiveWriter.hourFile(root, T);
        long full = Files.size(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(full - 10); // a crash in the middle of appending A3
        }
        ArchiveReader reader = new ArchiveReader(root, warnings::add);
        assertThat(reader.entries(file)).extracting(MboxEntry::queueId).containsExactly("A1", "A2");
        assertThat(warnings).singleElement().asString().contains("incomplete last record");

        try (ArchiveWriter writer = new ArchiveWriter(root)) {
            writer.append(entry("A3", T, "text of A3"), true); // the redelivery after the crash
        }
        warnings.clear();
        assertThat(reader.entries(file)).extracting(MboxEntry::queueId).containsExactly("A1", "A2", "A3");
        assertThat(warnings).isEmpty();
    }

    @Test
    void should_rotate_by_utc_hour_of_receipt() throws Exception {
        long nextHour = T + 3600_000L;
        try (ArchiveWriter writer = new ArchiveWriter(root)) {
            writer.append(entry("H10", T, "ten"), false);
            writer.append(entry("H11", nextHour, "eleven"), false);
            writer.append(entry("H10b", T + 60_000, "ten again"), false);
        }
        ArchiveReader reader = new ArchiveReader(root, warnings::add);
        assertThat(reader.hourFiles(DAY)).containsExactly(root.resolve("2026/03/04/10.mbox.zst"), root.resolve("2026/03/04/11.mbox.zst"));
        List<ArchiveReader.Hour> hours = reader.list(DAY);
        assertThat(hours).extracting(ArchiveReader.Hour::hour).containsExactly(10, 11);
        assertThat(hours.get(0).queueIds()).containsExactly("H10", "H10b");
        assertThat(hours.get(1).queueIds()).containsExactly("H11");
    }

    @Test
    void should_not_append_a_redelivered_message_twice_and_reader_should_drop_duplicates() throws Exception {
        try (ArchiveWriter writer = new ArchiveWriter(root)) {
            assertThat(writer.append(entry("R1", T, "once"), false)).isTrue();
            assertThat(writer.append(entry("R1", T, "once"), true)).isFalse();
            assertThat(writer.append(entry("R1", T, "once"), false)).isTrue(); // a first delivery does not look
        }
        ArchiveReader reader = new ArchiveReader(root, warnings::add);
        assertThat(reader.list(DAY).get(0).queueIds()).containsExactly("R1");
        assertThat(reader.list(DAY).get(0).duplicates()).isEqualTo(1);
        assertThat(reader.entries(ArchiveWriter.hourFile(root, T))).hasSize(1);
    }
}
