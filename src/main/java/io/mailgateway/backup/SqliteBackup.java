package io.mailgateway.backup;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;

/**
 * An online copy of the gateway's SQLite file: {@code VACUUM INTO} on a connection of its own
 * (not the gateway's pool), which in WAL mode is one read transaction: a consistent snapshot of
 * every committed row, while the gateway's writer goes on committing. Works from another process
 * too ({@code backup now} beside a running gateway). The copy is compact and keeps the page size
 * and auto-vacuum mode; SQLite does not fsync it, so this does.
 */
final class SqliteBackup implements BackupPart {

    static final String FILE_NAME = "gateway.db";
    private final Path database;

    SqliteBackup(Path database) {
        this.database = database;
    }

    @Override
    public String writeInto(Path dir) throws Exception {
        if (!Files.isRegularFile(database)) {
            return "database: no " + database + " yet (the gateway never ran here), nothing copied";
        }
        Path target = dir.resolve(FILE_NAME);
        // Owner only, as gateway.db itself (password hashes, the audit log): VACUUM INTO writes
        // into an empty file it finds, keeping its mode, and would create one 0644.
        try {
            Files.createFile(target, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            // no POSIX modes on this file system
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + database)) {
            try (Statement s = c.createStatement()) {
                // The gateway's batches hold the write lock briefly; a reader in WAL mode never waits
                // for them, but the first read of a file whose WAL is being checkpointed may.
                s.execute("PRAGMA busy_timeout=10000");
            }
            try (PreparedStatement ps = c.prepareStatement("VACUUM INTO ?")) {
                ps.setString(1, target.toString());
                ps.execute();
            }
        }
        try (FileChannel ch = FileChannel.open(target, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        return "database: " + database + " copied online (VACUUM INTO), " + Files.size(target) + " bytes";
    }
}
