package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.testing.SmtpTestClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The promise behind every 250: acknowledge N messages, SIGKILL the gateway while its store is
 * still draining, start it again on the same DATA_DIR, and find each acknowledged message in
 * the Maildir exactly once.
 */
class CrashDurabilityIT {

    private static final int CONNECTIONS = 20;
    private static final int PER_CONNECTION = 15;
    private static final List<String> MAILBOXES = List.of("ann@example.com", "bob@example.com", "cid@example.com");

    @TempDir
    Path dir;

    @Test
    void should_find_every_acknowledged_message_after_kill_9_and_restart() throws Exception {
        int port = GatewayProcess.freePort();
        Map<String, String> env = Map.of("DATA_DIR", dir.resolve("data").toString(), "SMTP_PORT", String.valueOf(port),
                "STORE_CONSUMERS", "1", "LOG_LEVEL", "WARN");
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        int storedAtKill;
        try (GatewayProcess gateway = GatewayProcess.start(dir, env)) {
            ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
            List<Future<?>> sessions = new java.util.ArrayList<>();
            for (int s = 0; s < CONNECTIONS; s++) {
                int session = s;
                sessions.add(pool.submit(() -> {
                    try (SmtpTestClient c = SmtpTestClient.connectEhlo(port)) {
                        for (int m = 0; m < PER_CONNECTION; m++) {
                            String rcpt = MAILBOXES.get((session + m) % MAILBOXES.size());
                            byte[] body = ("Subject: crash " + session + "/" + m + "\r\n\r\n" + "x".repeat(2000) + "\r\n.\r\n")
                                    .getBytes(StandardCharsets.US_ASCII);
                            acknowledged.add(c.sendMail("s@example.org", List.of(rcpt), body));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : sessions) {
                f.get();
            }
            pool.shutdown();
            gateway.kill9();
            storedAtKill = Maildirs.newFiles(dir.resolve("data")).size();
        }
        int total = CONNECTIONS * PER_CONNECTION;
        assertThat(acknowledged).hasSize(total);
        System.out.printf("acknowledged %d, in the Maildir at kill -9: %d%n", total, storedAtKill);

        try (GatewayProcess restarted = GatewayProcess.start(dir, env)) {
            await().atMost(Duration.ofSeconds(90)).until(() -> Maildirs.newFiles(dir.resolve("data")).size() >= total);
            List<String> stored = Maildirs.newFiles(dir.resolve("data")).stream().map(Maildirs::queueId).toList();
            assertThat(stored).doesNotHaveDuplicates();
            assertThat(stored.stream().collect(Collectors.toSet())).isEqualTo(acknowledged);
        }
    }
}
