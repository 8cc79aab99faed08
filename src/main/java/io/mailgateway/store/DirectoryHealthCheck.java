package io.mailgateway.store;

import io.mailgateway.metrics.ReadinessCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * Readiness of a store that writes files (maildir, archive): its directory takes a new file.
 * A probe file is created and deleted rather than asking for permissions, because a read-only
 * mount, a full inode table or a lost NFS server all show up only on a real write.
 */
public final class DirectoryHealthCheck extends ReadinessCheck {

    private final Path directory;

    /** @param store the store's name in STORAGE_TYPE; the check's id is store-NAME */
    public DirectoryHealthCheck(String store, Path directory) {
        super("store-" + store);
        this.directory = directory;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("directory", directory.toString());
        try {
            // The store creates it with its first message; creating it here changes nothing.
            Files.createDirectories(directory);
            Files.delete(Files.createTempFile(directory, ".ready-", ".probe"));
            builder.up();
        } catch (IOException | RuntimeException e) {
            builder.message("directory not writable: " + e).down();
        }
    }
}
