package io.mailgateway.store.archive;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads the archive of one UTC day: the hour files and their messages. A record cut short by a
 * crash at the end of a file is skipped with a warning; a message appended twice (redelivery) is
 * returned once, by queue ID.
 */
public final class ArchiveReader {

    private final Path root;
    private final Consumer<String> warnings;

    /** @param warnings where to report skipped records (the CLI prints them to stderr) */
    public ArchiveReader(Path root, Consumer<String> warnings) {
        this.root = root;
        this.warnings = warnings;
    }

    /** An hour file and the distinct queue IDs in it, in order. */
    public record Hour(Path file, int hour, List<String> queueIds, int duplicates) {
    }

    /** The hour files of a day that exist, in order. */
    public List<Path> hourFiles(LocalDate day) {
        List<Path> files = new ArrayList<>();
        for (int h = 0; h < 24; h++) {
            Path f = ArchiveWriter.hourFile(root, day.atTime(h, 0).toInstant(ZoneOffset.UTC).toEpochMilli());
            if (Files.isRegularFile(f)) {
                files.add(f);
            }
        }
        return files;
    }

    public List<Hour> list(LocalDate day) throws IOException {
        List<Hour> hours = new ArrayList<>();
        for (Path f : hourFiles(day)) {
            ArchiveFrames.Scan scan = scan(f);
            Set<String> ids = new LinkedHashSet<>();
            scan.frames().forEach(fr -> ids.add(fr.queueId()));
            int hour = Integer.parseInt(f.getFileName().toString().substring(0, 2));
            hours.add(new Hour(f, hour, List.copyOf(ids), scan.frames().size() - ids.size()));
        }
        return hours;
    }

    /**
     * Writes the day's messages (or only {@code queueId}'s, if not null) as one mbox.
     *
     * @return how many messages were written
     */
    public int extract(LocalDate day, String queueId, OutputStream out) throws IOException {
        int count = 0;
        Set<String> seen = new HashSet<>();
        for (Path f : hourFiles(day)) {
            ArchiveFrames.Scan scan = scan(f);
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
                for (ArchiveFrames.Frame frame : scan.frames()) {
                    if ((queueId != null && !queueId.equals(frame.queueId())) || !seen.add(frame.queueId())) {
                        continue;
                    }
                    try {
                        // A first pass checks the frame decompresses, so an unreadable record is
                        // skipped whole; the second streams it out (a message is never held whole).
                        ArchiveFrames.copy(ch, frame, OutputStream.nullOutputStream());
                    } catch (IOException | RuntimeException e) {
                        warnings.accept(f + ": skipping the unreadable record of " + frame.queueId() + ": " + e.getMessage());
                        seen.remove(frame.queueId());
                        continue;
                    }
                    ArchiveFrames.copy(ch, frame, out);
                    count++;
                }
            }
        }
        return count;
    }

    /** The decoded messages of one hour file (deduplicated), for tests and tools. */
    public List<MboxEntry> entries(Path hourFile) throws IOException {
        List<MboxEntry> entries = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        ArchiveFrames.Scan scan = scan(hourFile);
        try (FileChannel ch = FileChannel.open(hourFile, StandardOpenOption.READ)) {
            for (ArchiveFrames.Frame frame : scan.frames()) {
                if (seen.add(frame.queueId())) {
                    entries.add(MboxEntry.decode(ArchiveFrames.read(ch, frame)));
                }
            }
        }
        return entries;
    }

    private ArchiveFrames.Scan scan(Path f) throws IOException {
        ArchiveFrames.Scan scan = ArchiveFrames.scan(f);
        if (scan.truncated()) {
            warnings.accept("warning: " + f + ": skipping an incomplete last record (" + (scan.fileLength() - scan.validLength())
                    + " bytes at offset " + scan.validLength() + "), probably cut short by a crash");
        }
        return scan;
    }
}
