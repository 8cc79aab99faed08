package io.mailgateway.store.archive;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.ZstdInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
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

    @Test
    void should_stream_a_large_message_through_a_temporary_file_and_read_it_back_exact() throws Exception {
        long lines = 20L * 1024 * 1024 / 80; // about 20 MB, generated, never held whole
        try (ArchiveWriter writer = new ArchiveWriter(root)) {
            writer.append(entry("S1", T, "small before"), false);
            assertThat(writer.append("BIG1", "s@example.org", T, new GeneratedMessage(lines, false), false)).isTrue();
            writer.append(entry("S2", T, "small after"), false);
            // a redelivery of the large one is not appended again
            assertThat(writer.append("BIG1", "s@example.org", T, new GeneratedMessage(lines, false), true)).isFalse();
        }
        Path file = ArchiveWriter.hourFile(root, T);
        assertThat(Files.size(file)).isGreaterThan(1024 * 1024); // incompressible enough to need a real copy
        ArchiveReader reader = new ArchiveReader(root, warnings::add);
        assertThat(reader.list(DAY).get(0).queueIds()).containsExactly("S1", "BIG1", "S2");

        MessageDigest expected = MessageDigest.getInstance("SHA-256");
        try (OutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), expected)) {
            out.write("From s@example.org Wed Mar  4 10:15:30 2026\r\nX-Mail-Gateway-Queue-Id: BIG1\r\n".getBytes(StandardCharsets.UTF_8));
            new GeneratedMessage(lines, true).transferTo(out); // its From lines quoted as the archive does
            out.write("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        MessageDigest actual = MessageDigest.getInstance("SHA-256");
        long[] size = new long[1];
        try (OutputStream out = new DigestOutputStream(new OutputStream() {
            @Override
            public void write(int b) {
                size[0]++;
            }

            @Override
            public void write(byte[] b, int off, int len) {
                size[0] += len;
            }
        }, actual)) {
            assertThat(reader.extract(DAY, "BIG1", out)).isEqualTo(1);
        }
        assertThat(size[0]).isGreaterThan(lines * 70);
        assertThat(HexFormat.of().formatHex(actual.digest())).isEqualTo(HexFormat.of().formatHex(expected.digest()));
        // the hour file is still one valid zstd stream (zstdcat)
        try (InputStream in = new ZstdInputStream(Files.newInputStream(file))) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        assertThat(warnings).isEmpty();
        assertThat(filesIn(file.getParent())).containsExactly("10.mbox.zst");
    }

    @Test
    void should_leave_no_temporary_file_and_no_partial_record_when_a_large_message_fails() throws Exception {
        Path file = ArchiveWriter.hourFile(root, T);
        try (ArchiveWriter writer = new ArchiveWriter(root)) {
            writer.append(entry("A1", T, "first"), false);
            long before = Files.size(file);
            InputStream failing = new GeneratedMessage(100_000, false) {
                private long read;

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if ((read += len) > 2 * 1024 * 1024) {
                        throw new IOException("connection reset");
                    }
                    return super.read(b, off, len);
                }
            };
            assertThatThrownBy(() -> writer.append("BAD", "s@example.org", T, failing, false)).hasMessage("connection reset");
            assertThat(filesIn(file.getParent())).containsExactly("10.mbox.zst");
            assertThat(Files.size(file)).isEqualTo(before);
            writer.append(entry("A2", T, "second"), false);
        }
        assertThat(new ArchiveReader(root, warnings::add).entries(file)).extracting(MboxEntry::queueId).containsExactly("A1", "A2");
        assertThat(warnings).isEmpty();
    }

    @Test
    void should_remove_temporary_files_left_by_an_earlier_run() throws Exception {
        Path file = ArchiveWriter.hourFile(root, T);
        Files.createDirectories(file.getParent());
        Files.write(file.getParent().resolve(".10.mbox.zst.5eed-1.tmp"), new byte[] {1, 2, 3}); // a crash mid-compression
        Files.write(file.getParent().resolve(".09.mbox.zst.5eed-2.tmp"), new byte[] {1, 2, 3});
        try (ArchiveWriter writer = new ArchiveWriter(root)) {
            writer.append(entry("A1", T, "first"), false);
        }
        assertThat(filesIn(file.getParent())).containsExactly("10.mbox.zst");
    }

    private static List<String> filesIn(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    /**
     * A deterministic message of {@code lines} CRLF lines (some starting with "From "), produced on
     * the fly; {@code quoted} gives those lines the {@code >} the archive adds.
     */
    private static class GeneratedMessage extends InputStream {
        private final long lines;
        private final boolean quoted;
        private long line;
        private byte[] current = "Subject: large\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        private int pos;

        GeneratedMessage(long lines, boolean quoted) {
            this.lines = lines;
            this.quoted = quoted;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            int n = 0;
            while (n < len) {
                if (pos == current.length && !next()) {
                    break;
                }
                int k = Math.min(len - n, current.length - pos);
                System.arraycopy(current, pos, b, off + n, k);
                pos += k;
                n += k;
            }
            return n == 0 ? -1 : n;
        }

        private boolean next() {
            if (line == lines) {
                return false;
            }
            line++;
            StringBuilder sb = new StringBuilder(90);
            if (line % 997 == 0) {
                sb.append(quoted ? ">From line " : "From line ").append(line);
            } else {
                long x = line * 0x9E3779B97F4A7C15L;
                sb.append("line ").append(line);
                while (sb.length() < 76) {
                    x ^= x << 13;
                    x ^= x >>> 7;
                    x ^= x << 17;
                    sb.append(Long.toHexString(x));
                }
                sb.setLength(76);
            }
            current = sb.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
            pos = 0;
            return true;
        }
    }
}
