package io.mailgateway.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads the Maildir tree of a DATA_DIR: {@code $DATA_DIR/maildir/<domain>/<localpart>/new/<file>},
 * file name {@code <receivedAtSeconds>.<queueId>.<hostname>}. Only {@code new/} counts: a file
 * there is complete (written in tmp/, fsynced, renamed).
 */
final class Maildirs {

    /** One delivered file: the mailbox it is in (localpart@domain, as the directory names say) and its queue ID. */
    record Delivered(String mailbox, String queueId, Path file) {
    }

    private Maildirs() {
    }

    static List<Delivered> delivered(Path dataDir) {
        Path root = dataDir.resolve("maildir");
        List<Delivered> found = new ArrayList<>();
        for (Path domain : list(root)) {
            for (Path box : list(domain)) {
                for (Path file : list(box.resolve("new"))) {
                    found.add(new Delivered(box.getFileName() + "@" + domain.getFileName(), queueId(file), file));
                }
            }
        }
        return found;
    }

    /** Entries of a directory; none if it does not exist (yet). New files only ever appear in new/, so this is stable. */
    private static List<Path> list(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.sorted().toList();
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The files of one queue ID in new/ of any mailbox. */
    static List<Delivered> ofQueueId(Path dataDir, String queueId) {
        return delivered(dataDir).stream().filter(d -> d.queueId().equals(queueId)).toList();
    }

    /** The queue ID in a Maildir file name "SECONDS.QUEUEID.HOST" (the host may contain dots). */
    static String queueId(Path file) {
        String[] parts = file.getFileName().toString().split("\\.", 3);
        return parts.length >= 2 ? parts[1] : "";
    }
}
