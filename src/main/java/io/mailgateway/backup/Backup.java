package io.mailgateway.backup;

import io.mailgateway.store.DurableFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * One backup: its parts written into {@code BACKUP_DIR/<UTC time>.partial/}, every file fsynced,
 * then the directory renamed to {@code BACKUP_DIR/<UTC time>/}; so a directory without the suffix
 * is always complete, and a crash leaves only a {@code .partial} one, removed by the next backup.
 * All or nothing: when a part fails, the partial directory is deleted and the failure thrown.
 * After a success only the newest {@code retention} complete backups are kept.
 *
 * <p>One run at a time per BACKUP_DIR: a run holds an exclusive lock on {@value #LOCK_FILE} from
 * before it creates its directory until it has pruned, so {@code backup now} during the gateway's
 * scheduled backup (or the other way round) is refused at once ({@link Busy}) instead of the two
 * pruning each other's partial directory. While a run holds the lock, any other {@code .partial}
 * is a dead run's. The lock file stays (deleting it would let two runs lock two different files).
 */
public final class Backup {

    /** Sorts as it reads: the newest is last by name. */
    static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final String PARTIAL = ".partial";
    static final String LOCK_FILE = "backup.lock";
    private final Path backups;
    private final int retention;
    private final Clock clock;

    public Backup(Path backups, int retention, Clock clock) {
        this.backups = backups;
        this.retention = retention;
        this.clock = clock;
    }

    /** What one backup did: its directory, a line per part, and the backups retention removed. */
    public record Result(Path dir, List<String> lines, List<Path> removed) {
    }

    /** Thrown, before anything is written, when another run holds BACKUP_DIR's lock. */
    public static final class Busy extends IOException {
        Busy(Path lock) {
            super("another backup is running into " + lock.getParent() + " (it holds " + lock + "): this one is not started");
        }
    }

    public Result run(List<BackupPart> parts) throws Exception {
        Files.createDirectories(backups);
        Path lockFile = backups.resolve(LOCK_FILE);
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = tryLock(channel)) {
            if (lock == null) {
                throw new Busy(lockFile);
            }
            return runLocked(parts);
        }
    }

    /** Null when another process, or another run in this JVM (the scheduled one beside the CLI in tests), holds it. */
    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    /**
     * Owner only (0700) where the file system has POSIX modes: a backup holds gateway.db (password
     * hashes, the audit log) and every queued message, which parts write with default modes.
     */
    private static void createPrivately(Path dir) throws IOException {
        try {
            Files.createDirectory(dir, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException e) {
            Files.createDirectory(dir);
        }
    }

    private Result runLocked(List<BackupPart> parts) throws Exception {
        String name = NAME.format(clock.instant());
        Path partial = backups.resolve(name + PARTIAL);
        Path done = backups.resolve(name);
        if (Files.exists(done) || Files.exists(partial)) {
            throw new IOException("a backup named " + name + " exists already");
        }
        createPrivately(partial);
        List<String> lines = new ArrayList<>();
        try {
            for (BackupPart part : parts) {
                lines.add(part.writeInto(partial));
            }
            syncTree(partial);
            Files.move(partial, done);
            DurableFiles.syncDirectory(backups);
        } catch (Exception e) {
            deleteTree(partial);
            throw e;
        }
        return new Result(done, lines, prune(partial));
    }

    /**
     * Deletes complete backups beyond the newest {@code retention}, and partial ones of earlier runs
     * (dead ones: a live run would hold the lock this run holds).
     */
    private List<Path> prune(Path ours) throws IOException {
        List<Path> complete = new ArrayList<>();
        List<Path> removed = new ArrayList<>();
        try (Stream<Path> all = Files.list(backups)) {
            for (Path p : all.filter(Files::isDirectory).sorted(Comparator.comparing(Path::toString).reversed()).toList()) {
                String n = p.getFileName().toString();
                if (n.endsWith(PARTIAL) && !p.equals(ours)) {
                    removed.add(p);
                } else if (isBackupName(n)) {
                    complete.add(p);
                }
            }
        }
        if (complete.size() > retention) {
            removed.addAll(complete.subList(retention, complete.size()));
        }
        for (Path p : removed) {
            deleteTree(p);
        }
        return removed;
    }

    private static boolean isBackupName(String name) {
        return name.matches("\\d{8}T\\d{6}\\.\\d{3}Z");
    }

    private static void syncTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                if (Files.isDirectory(p)) {
                    DurableFiles.syncDirectory(p);
                } else {
                    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
                        ch.force(true);
                    }
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
