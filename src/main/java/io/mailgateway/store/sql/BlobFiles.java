package io.mailgateway.store.sql;

import io.mailgateway.store.DurableFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * Large bodies as files {@code ROOT/<yyyy>/<mm>/<dd>/<queueid>.eml} (UTC date of receipt):
 * written to a temporary name, fsynced, renamed, directory fsynced; only then does the row that
 * refers to it get inserted. A redelivery rewrites the same name with the same bytes.
 */
final class BlobFiles implements BlobWriter {

    private final Path root;

    BlobFiles(Path root) {
        this.root = root;
    }

    /** @return the reference kept in messages.body_ref, e.g. {@code file:2026/11/29/ID.eml} */
    @Override
    public String write(String queueId, long receivedAt, byte[] head, InputStream rest) throws IOException {
        if (!queueId.matches("[A-Za-z0-9._-]+")) {
            throw new IOException("queue ID unusable as a file name: " + queueId);
        }
        ZonedDateTime day = Instant.ofEpochMilli(receivedAt).atZone(ZoneOffset.UTC);
        String relative = String.format("%04d/%02d/%02d/%s.eml", day.getYear(), day.getMonthValue(), day.getDayOfMonth(), queueId);
        Path file = root.resolve(relative);
        Path dir = file.getParent();
        DurableFiles.createDirectoriesDurably(dir);
        Path tmp = dir.resolve(queueId + ".eml.tmp");
        try {
            DurableFiles.writeSynced(tmp, head, rest);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp); // a disk-full write must not leave its part behind for good
            throw e;
        }
        DurableFiles.syncDirectory(dir);
        return "file:" + relative;
    }

    Path resolve(String reference) {
        return root.resolve(reference.substring("file:".length()));
    }
}
