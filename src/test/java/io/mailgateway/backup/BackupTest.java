package io.mailgateway.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailgateway.broker.JournalLock;
import io.mailgateway.config.GatewayConfig;
import io.mailgateway.store.sql.GatewayDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backups on real files and a real SQLite database: online copy under writes, all-or-nothing, retention, a locked journal. */
class BackupTest {

    @TempDir
    Path dir;

    /** A clock one second later at each call: each backup gets its own name. */
    private static Clock ticking() {
        AtomicLong second = new AtomicLong(1_764_000_000L);
        return new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.ofEpochSecond(second.getAndIncrement());
            }
        };
    }

    private static BackupPart file(String name) {
        return d -> {
            Files.writeString(d.resolve(name), name);
            return name;
        };
    }

    @Test
    void should_copy_the_database_online_with_every_row_committed_before_while_a_writer_goes_on() throws Exception {
        Path data = dir.resolve("data");
        GatewayConfig config = GatewayConfig.load(Map.of("DATA_DIR", data.toString()), new Properties());
        try (GatewayDatabase db = GatewayDatabase.open(config)) {
            AtomicLong committed = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            Thread writer = new Thread(() -> {
                try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO messages (queue_id, received_at, sender, recipients, size) VALUES (?, 0, 's@example.org', '[]', 1)")) {
                    while (!stop.get()) {
                        ps.setString(1, "Q" + committed.get());
                        ps.executeUpdate(); // auto-commit: committed on return
                        committed.incrementAndGet();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            writer.start();
            while (committed.get() < 50) {
                Thread.onSpinWait();
            }
            long before = committed.get();
            Backup.Result r = new Backup(dir.resolve("backups"), 3, ticking()).run(List.of(new SqliteBackup(GatewayDatabase.sqliteFile(config))));
            long writtenDuringBackup = committed.get();
            stop.set(true);
            writer.join();

            Path copy = r.dir().resolve(SqliteBackup.FILE_NAME);
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + copy); Statement s = c.createStatement()) {
                try (ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
                    rs.next();
                    assertThat(rs.getString(1)).isEqualTo("ok");
                }
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM messages")) {
                    rs.next();
                    assertThat(rs.getLong(1)).isBetween(before, writtenDuringBackup);
                }
                try (ResultSet rs = s.executeQuery("PRAGMA auto_vacuum")) {
                    rs.next();
                    assertThat(rs.getInt(1)).isEqualTo(2); // the copy keeps the layout
                }
            }
            assertThat(r.lines()).singleElement().asString().contains("copied online");
        }
    }

    /** gateway.db is 0600 (password hashes, the audit log): its copy and the backup itself stay the owner's. */
    @Test
    void should_keep_the_database_copy_and_the_backup_directory_private() throws Exception {
        Path db = dir.resolve("private.db");
        java.nio.file.Files.createFile(db, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
             java.sql.Statement s = c.createStatement()) {
            s.execute("CREATE TABLE users (address TEXT, password_hash TEXT)");
            s.execute("INSERT INTO users VALUES ('a@example.com', '$argon2id$secret')");
        }
        Backup.Result r = new Backup(dir.resolve("private-backups"), 7, java.time.Clock.systemUTC()).run(List.of(new SqliteBackup(db)));
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(java.nio.file.Files.getPosixFilePermissions(r.dir())))
                .isEqualTo("rwx------");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                java.nio.file.Files.getPosixFilePermissions(r.dir().resolve(SqliteBackup.FILE_NAME)))).isEqualTo("rw-------");
    }

    @Test
    void should_keep_the_newest_backups_only_and_remove_a_crashed_runs_partial_directory() throws Exception {
        Path backups = dir.resolve("backups");
        Files.createDirectories(backups.resolve("20251101T000000.000Z.partial"));
        Backup backup = new Backup(backups, 2, ticking());
        Backup.Result first = backup.run(List.of(file("a")));
        Backup.Result second = backup.run(List.of(file("a")));
        Backup.Result third = backup.run(List.of(file("a")));
        Backup.Result fourth = backup.run(List.of(file("a")));

        assertThat(third.removed()).containsExactly(first.dir());
        assertThat(fourth.removed()).containsExactly(second.dir());
        try (Stream<Path> left = Files.list(backups).filter(Files::isDirectory)) {
            assertThat(left).containsExactlyInAnyOrder(third.dir(), fourth.dir());
        }
        assertThat(Files.readString(fourth.dir().resolve("a"))).isEqualTo("a");
    }

    @Test
    void should_keep_nothing_of_a_backup_whose_part_fails() throws Exception {
        Path backups = dir.resolve("backups");
        Backup backup = new Backup(backups, 2, ticking());
        Backup.Result kept = backup.run(List.of(file("a")));
        BackupPart failing = d -> {
            throw new java.io.IOException("disk full");
        };
        assertThatThrownBy(() -> backup.run(List.of(file("a"), failing))).hasMessageContaining("disk full");
        try (Stream<Path> left = Files.list(backups).filter(Files::isDirectory)) {
            assertThat(left).containsExactly(kept.dir());
        }
    }

    @Test
    void should_refuse_a_second_backup_while_one_runs_and_keep_every_part_of_the_first() throws Exception {
        // backup now while the gateway's scheduled backup runs: the one started second is refused
        // before it writes or prunes anything (it used to prune the first's partial directory).
        Path backups = dir.resolve("backups");
        Backup cli = new Backup(backups, 7, Clock.fixed(Instant.parse("2026-12-02T20:00:00Z"), ZoneOffset.UTC));
        Backup scheduled = new Backup(backups, 7, Clock.fixed(Instant.parse("2026-12-02T20:00:01Z"), ZoneOffset.UTC));
        List<Throwable> refused = new java.util.ArrayList<>();
        BackupPart meanwhile = d -> {
            try {
                scheduled.run(List.of(file("gateway.db")));
            } catch (Exception e) {
                refused.add(e);
            }
            Files.writeString(d.resolve("queues"), "mail");
            return "broker: 1 message exported";
        };

        Backup.Result r = cli.run(List.of(file("gateway.db"), meanwhile));

        assertThat(refused).singleElement().isInstanceOf(Backup.Busy.class).asString().contains("another backup is running");
        assertThat(r.dir().resolve("gateway.db")).exists();
        assertThat(r.dir().resolve("queues")).exists();
        try (Stream<Path> left = Files.list(backups).filter(Files::isDirectory)) {
            assertThat(left).containsExactly(r.dir());
        }
        assertThat(scheduled.run(List.of(file("a"))).dir()).exists(); // the lock is released after a run
    }

    @Test
    void should_refuse_a_backup_while_another_process_holds_the_lock() throws Exception {
        Path backups = Files.createDirectories(dir.resolve("backups"));
        Path partial = Files.createDirectories(backups.resolve("20261202T200000.000Z.partial"));
        // As the other process (the gateway, or backup now) holds it; held here by this JVM, refused the same way.
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(backups.resolve(Backup.LOCK_FILE),
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
             java.nio.channels.FileLock held = ch.lock()) {
            assertThatThrownBy(() -> new Backup(backups, 7, ticking()).run(List.of(file("a"))))
                    .isInstanceOf(Backup.Busy.class);
        }
        assertThat(partial).as("the running backup's partial directory").exists();
    }

    @Test
    void should_copy_the_broker_files_only_when_no_broker_holds_the_journal_lock() throws Exception {
        Path broker = dir.resolve("data").resolve("broker");
        Files.createDirectories(broker.resolve("journal"));
        Files.writeString(broker.resolve("journal").resolve("activemq-data-1.amq"), "journal");
        Files.writeString(broker.resolve("admin.credentials"), "secret");
        Path target = dir.resolve("target");
        try (JournalLock held = JournalLock.tryAcquire(broker.getParent())) {
            assertThat(held).isNotNull();
            assertThat(BrokerJournalCopy.copyIfStopped(broker, target)).isNull(); // as the gateway's broker holds it while it runs
        }
        assertThat(BrokerJournalCopy.copyIfStopped(broker, target)).contains("copied as they are (1 files");
        Path copy = target.resolve(BrokerJournalCopy.DIR_NAME);
        assertThat(Files.readString(copy.resolve("journal").resolve("activemq-data-1.amq"))).isEqualTo("journal");
        assertThat(copy.resolve("admin.credentials")).doesNotExist();
    }

    @Test
    void should_refuse_a_zero_interval() {
        assertThat(new BackupKeys().settings()).filteredOn(s -> s.key().equals("BACKUP_INTERVAL")).singleElement()
                .satisfies(s -> {
                    assertThat(s.check().apply("0")).contains("more than 0");
                    assertThat(s.check().apply("0s")).contains("more than 0");
                    assertThat(s.check().apply("30m")).isNull();
                });
    }
}
