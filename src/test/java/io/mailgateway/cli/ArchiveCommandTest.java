package io.mailgateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.store.archive.ArchiveWriter;
import io.mailgateway.store.archive.MboxEntry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveCommandTest {

    private static final long T = Instant.parse("2026-03-04T22:59:59Z").toEpochMilli();

    @TempDir
    Path dataDir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void archive() throws Exception {
        try (ArchiveWriter writer = new ArchiveWriter(dataDir.resolve("archive"))) {
            writer.append(entry("ID1", T), false);
            writer.append(entry("ID2", T - 1000), false);
            writer.append(entry("ID3", T + 2000), false); // 23:00:01, the next hour file (22:59:59 + 2 s)
            writer.append(entry("ID4", T - 86_400_000L), false); // the day before
        }
    }

    private static MboxEntry entry(String id, long at) {
        return new MboxEntry(id, "s@example.org", at, ("Subject: " + id + "\r\n\r\nbody " + id + "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    private int run(String... args) throws Exception {
        return ArchiveCommand.run(List.of(args), dataDir, out, new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void should_list_hour_files_with_counts_and_ids() throws Exception {
        assertThat(run("list", "2026-03-04")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(
                dataDir.resolve("archive/2026/03/04/22.mbox.zst") + "  2 message(s)  ID1 ID2\n"
                + dataDir.resolve("archive/2026/03/04/23.mbox.zst") + "  1 message(s)  ID3\n"
                + "2026-03-04: 3 message(s)\n");
    }

    @Test
    void should_extract_a_day_or_one_message_as_mbox() throws Exception {
        assertThat(run("extract", "2026-03-04")).isZero();
        String mbox = out.toString(StandardCharsets.UTF_8);
        assertThat(mbox).startsWith("From s@example.org Wed Mar  4 22:59:59 2026\r\nX-Mail-Gateway-Queue-Id: ID1\r\nSubject: ID1\r\n")
                .contains("Queue-Id: ID2", "Queue-Id: ID3").doesNotContain("ID4");
        out.reset();
        assertThat(run("extract", "2026-03-04", "ID3")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(
                "From s@example.org Wed Mar  4 23:00:01 2026\r\nX-Mail-Gateway-Queue-Id: ID3\r\nSubject: ID3\r\n\r\nbody ID3\r\n\r\n");
    }

    @Test
    void should_fail_with_status_1_for_an_unknown_id_and_2_for_bad_usage() throws Exception {
        assertThat(run("extract", "2026-03-04", "NOPE")).isEqualTo(1);
        assertThat(run("list", "yesterday")).isEqualTo(2);
        assertThat(run("list")).isEqualTo(2);
        assertThat(run("frobnicate", "2026-03-04")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no message NOPE", "not a date", "usage:");
    }
}
