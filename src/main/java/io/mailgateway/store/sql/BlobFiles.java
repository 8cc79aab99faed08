package io.mailgateway.store.sql;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * Large bodies as files {@code ROOT/<yyyy>/<mm>/<dd>/<queueid>.eml} (UTC date of receipt):
 * written to a temporary name, fsynced, renamed, directory fsynced; only then does the row that
 * refers to it get inserted. A redelivery rewrites the same name with the same bytes.
 */
final class BlobFiles {

    private final Path root;

    BlobFiles(Path root) {
        this.root = root;
    }

    /** @return the reference kept in messages.body_ref, e.g. {@code file:2026/11/29/ID.eml} */
    String write(String queueId, long receivedAt, byte[] head, InputStream rest) throws IOException {
        if (!queueId.matches("[A-Za-z0-9._-]+")) {
            throw new IOException("queue ID unusable as a file name: " + queueId);
        }
        ZonedDateTime day = Instant.ofEpochMilli(receivedAt).atZone(ZoneOffset.UTC);
        String relative = String.format("%04d/%02d/%02d/%s.eml", day.getYear(), day.getMonthValue(), day.getDayOfMonth(), queueId);
        Path file = root.resolve(relative);
        Path dir = file.getParent();
        createDirectoriesDurably(dir);
        Path tmp = dir.resolve(queueId + ".eml.tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream out = Channels.newOutputStream(ch);
            out.write(head);
            rest.transferTo(out);
            out.flush();
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(dir);
        return "file:" + relative;
    }

    /** Creates missing day/month/year directories and fsyncs the parent of each one created. */
    private static void createDirectoriesDurably(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        createDirectoriesDurably(dir.getParent());
        try {
            Files.createDirectory(dir);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            return; // another consumer made it
        }
        syncDirectory(dir.getParent());
    }

    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    Path resolve(String reference) {
        return root.resolve(reference.substring("file:".length()));
    }
}
