package io.mailgateway.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Reading the Maildir tree of a DATA_DIR: $DATA_DIR/maildir/domain/localpart/new/FILE. */
final class Maildirs {

    private Maildirs() {
    }

    static List<Path> newFiles(Path dataDir) {
        Path root = dataDir.resolve("maildir");
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).filter(p -> p.getParent().getFileName().toString().equals("new")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The queue ID in a Maildir file name "SECONDS.QUEUEID.HOST". */
    static String queueId(Path file) {
        return file.getFileName().toString().split("\\.")[1];
    }
}
