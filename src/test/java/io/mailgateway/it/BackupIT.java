package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.testing.SmtpTestClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backups of the packaged gateway storing mail in SQLite: {@code backup now} beside the running
 * gateway while a client keeps sending (the copy opens and holds every message stored before it
 * started; the broker's queues are exported by browsing), the scheduled backups and their
 * retention, then {@code backup now} with the gateway stopped (the journal files themselves).
 */
class BackupIT {

    @TempDir
    Path dir;

    @Test
    void should_back_up_a_gateway_storing_mail_and_keep_the_newest_backups_only() throws Exception {
        Path data = dir.resolve("data");
        Path backups = data.resolve("backups");
        Map<String, String> env = new HashMap<>(Map.of("DATA_DIR", data.toString(), "STORAGE_TYPE", "sql",
                "LOCAL_DOMAINS", "example.com", "BACKUP_ENABLED", "true", "BACKUP_INTERVAL", "3s", "BACKUP_RETENTION", "2"));
        env.put("BROKER_PORT", String.valueOf(GatewayProcess.freePort()));
        // The command's backups go elsewhere, out of reach of the gateway's own retention every 3 s.
        Path cliBackups = dir.resolve("cli-backups");
        Map<String, String> cliEnv = new HashMap<>(env);
        cliEnv.put("BACKUP_DIR", cliBackups.toString());
        try (GatewayProcess p = GatewayProcess.start(dir, env)) {
            List<String> sent = new CopyOnWriteArrayList<>();
            for (int i = 0; i < 5; i++) {
                sent.add(send(p.port(), i));
            }
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> storedIds(data.resolve("gateway.db")).containsAll(sent));
            List<String> storedBefore = new ArrayList<>(sent);

            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService client = Executors.newSingleThreadExecutor();
            Future<?> sending = client.submit(() -> {
                for (int i = 100; !stop.get(); i++) {
                    sent.add(send(p.port(), i));
                }
                return null;
            });
            GatewayProcess.CommandResult now;
            try {
                now = GatewayProcess.command(dir, cliEnv, "backup", "now");
            } finally {
                stop.set(true);
                sending.get();
                client.shutdown();
            }
            assertThat(now.status()).as(now.err()).isZero();
            assertThat(now.out()).startsWith("backup " + cliBackups).contains("database: ", "copied online (VACUUM INTO)")
                    .containsPattern("broker: gateway running, \\d+ message\\(s\\) in \\d+ queue\\(s\\) exported by browsing");
            Path made = Path.of(now.out().lines().findFirst().orElseThrow().substring("backup ".length()));
            assertThat(storedIds(made.resolve("gateway.db"))).containsAll(storedBefore);
            assertThat(made.resolve("broker-queues")).isDirectory();

            // The scheduled ones (every 3 s here) and their retention: never more than 2 complete backups.
            await().atMost(Duration.ofSeconds(60)).until(() -> p.log().split("backup .* done: ", -1).length > 3);
            assertThat(completeBackups(backups)).hasSize(2);
            assertThat(p.log()).contains("; 1 old backup(s) removed");
            assertThat(p.terminate()).isIn(0, 143);
        }

        Path first = completeBackups(cliBackups).get(0);
        GatewayProcess.CommandResult stopped = GatewayProcess.command(dir, cliEnv, "backup", "now");
        assertThat(stopped.status()).as(stopped.err()).isZero();
        assertThat(stopped.out()).contains("broker: gateway stopped, journal files copied as they are");
        Path made = Path.of(stopped.out().lines().findFirst().orElseThrow().substring("backup ".length()));
        assertThat(made.resolve("broker-journal").resolve("journal")).isDirectory();
        assertThat(storedIds(made.resolve("gateway.db"))).hasSizeGreaterThan(5);
        assertThat(completeBackups(cliBackups)).containsExactlyInAnyOrder(first, made);

        GatewayProcess.CommandResult third = GatewayProcess.command(dir, cliEnv, "backup", "now");
        assertThat(third.status()).as(third.err()).isZero();
        assertThat(third.out()).contains("removed 1");
        assertThat(completeBackups(cliBackups)).hasSize(2).contains(made).doesNotContain(first);

        GatewayProcess.CommandResult usage = GatewayProcess.command(dir, env, "backup", "later");
        assertThat(usage.status()).isEqualTo(2);
        assertThat(usage.err()).contains("usage: java -jar mail-gateway.jar backup now");
    }

    private static String send(int port, int i) throws Exception {
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(port)) {
            c.send("MAIL FROM:<s@example.org>").expect(250, "2.1.0");
            c.send("RCPT TO:<rcpt" + i + "@example.com>").expect(250, "2.1.5");
            c.send("DATA").expect(354);
            c.sendRaw("Subject: backup " + i + "\r\n\r\nbody " + i + "\r\n.\r\n");
            return SmtpTestClient.queueId(c.expect(250, "2.0.0"));
        }
    }

    private static List<String> storedIds(Path db) throws Exception {
        List<String> ids = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT queue_id FROM messages")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    private static List<Path> completeBackups(Path backups) throws Exception {
        try (Stream<Path> all = Files.list(backups)) {
            return all.filter(p -> p.getFileName().toString().matches("\\d{8}T\\d{6}\\.\\d{3}Z")).sorted().toList();
        }
    }
}
