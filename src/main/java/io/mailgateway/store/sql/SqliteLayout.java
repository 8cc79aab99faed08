package io.mailgateway.store.sql;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The page size and auto-vacuum mode of the gateway's SQLite file. SQLite fixes both when the
 * file's first page is written (afterwards only a VACUUM changes them, and in WAL mode not even
 * that for the page size), and sqlite-jdbc switches a new connection to WAL before any other
 * pragma, which writes that page. So a new file is made here, with these settings, before the
 * pool opens it; an existing file keeps its layout, and the startup log says how to convert it.
 */
final class SqliteLayout {

    /**
     * Bodies up to SQL_INLINE_BODY_LIMIT (256 KiB) live in the row: 8 KiB pages halve their
     * overflow-page chains against SQLite's default 4 KiB, at no cost for the small rows.
     */
    static final int PAGE_SIZE = 8192;
    /** PRAGMA auto_vacuum's value for INCREMENTAL. */
    static final int INCREMENTAL = 2;
    private static final Logger LOG = LoggerFactory.getLogger(SqliteLayout.class);

    private SqliteLayout() {
    }

    /** The database file of a {@code jdbc:sqlite:} URL, or null for an in-memory or URI form. */
    static Path file(String jdbcUrl) {
        String rest = jdbcUrl.substring("jdbc:sqlite:".length());
        int query = rest.indexOf('?');
        rest = query >= 0 ? rest.substring(0, query) : rest;
        return rest.isEmpty() || rest.startsWith(":") || rest.startsWith("file:") ? null : Path.of(rest);
    }

    /**
     * Makes the file with our page size and incremental auto-vacuum if it does not exist yet (or is
     * empty). A new file is created 0600 first (where the file system has POSIX modes): it holds
     * the users' password hashes and the audit log, and SQLite would create it with the umask's
     * mode (0644 usually); SQLite gives its -wal and -shm files the database file's mode.
     */
    static void createIfMissing(Path file) throws SQLException, java.io.IOException {
        if (file == null || (Files.exists(file) && Files.size(file) > 0)) {
            return;
        }
        if (!Files.exists(file) && file.toAbsolutePath().getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("PRAGMA page_size=" + PAGE_SIZE);
            s.execute("PRAGMA auto_vacuum=INCREMENTAL");
            // Writes the first page: the two settings above are now part of the file.
            s.execute("PRAGMA journal_mode=WAL");
        }
    }

    /** Logs once what an older file needs to get the layout a new one has. */
    static void reportExisting(DataSource dataSource, Path file) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            long autoVacuum = single(s, "PRAGMA auto_vacuum");
            long pageSize = single(s, "PRAGMA page_size");
            if (autoVacuum != INCREMENTAL || pageSize != PAGE_SIZE) {
                LOG.info("{} was made with page_size {} and auto_vacuum {} (new files: {} and 2 = INCREMENTAL); it works as it is,"
                        + " but deleted rows' pages are only given back after a one-off conversion with the gateway stopped:"
                        + " sqlite3 {} 'PRAGMA journal_mode=DELETE; PRAGMA page_size={}; PRAGMA auto_vacuum=INCREMENTAL; VACUUM;"
                        + " PRAGMA journal_mode=WAL;' (docs/storage.md)", file, pageSize, autoVacuum, PAGE_SIZE, file, PAGE_SIZE);
            }
        }
    }

    static long single(Statement s, String sql) throws SQLException {
        try (ResultSet r = s.executeQuery(sql)) {
            return r.next() ? r.getLong(1) : 0;
        }
    }
}
