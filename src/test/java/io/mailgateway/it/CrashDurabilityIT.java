package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.testing.SmtpTestClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The promise behind every 250: acknowledge N messages over concurrent sessions, SIGKILL the
 * gateway while its (single-consumer) Maildir store is still draining the broker queue, start it
 * again on the same DATA_DIR, and find each acknowledged message exactly once in the Maildir of
 * each of its recipients: no loss, no duplicate, nothing unexpected.
 *
 * <p>The store must still hold messages at the kill, or the restart proves nothing: so the first
 * run's Maildir route waits {@value #STORE_DELAY_MS} ms before each message (the operator's route
 * file with one {@code delay} step, as a slow disk would make it), far slower than acceptance, and
 * the test fails if everything was stored anyway. The restart runs the standard routes.
 */
class CrashDurabilityIT {

    private static final int CONNECTIONS = 20;
    private static final int PER_CONNECTION = 15;
    private static final int TOTAL = CONNECTIONS * PER_CONNECTION;
    /** The first run's store takes this long per message: {@value #TOTAL} messages take 30 s. */
    private static final int STORE_DELAY_MS = 100;
    private static final List<String> MAILBOXES =
            List.of("ann@example.com", "bob@example.com", "cid@example.com", "dee@example.com");

    @TempDir
    Path dir;

    @Test
    void should_deliver_every_acknowledged_message_exactly_once_after_kill_9_and_restart() throws Exception {
        Path data = dir.resolve("data");
        Map<String, String> env = Map.of(
                "DATA_DIR", data.toString(),
                "SMTP_PORT", String.valueOf(GatewayProcess.freePort()),
                "STORE_CONSUMERS", "1");
        Map<String, String> slowStore = new HashMap<>(env);
        slowStore.put("ROUTES_DIR", routesWithSlowMaildir().toString());
        // small batches, so that some are written and acknowledged before the kill and some not
        slowStore.put("STORAGE_BATCH_SIZE", "5");
        // queue ID -> its recipients, only for messages that got "250 2.0.0 ... queued as ID"
        Map<String, List<String>> acknowledged = new ConcurrentHashMap<>();
        int filesAtKill;

        try (GatewayProcess gateway = GatewayProcess.start(dir, slowStore)) {
            ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
            try {
                List<Future<?>> sessions = new ArrayList<>();
                for (int s = 0; s < CONNECTIONS; s++) {
                    int session = s;
                    sessions.add(pool.submit(() -> {
                        try (SmtpTestClient c = SmtpTestClient.connectEhlo(gateway.port())) {
                            for (int m = 0; m < PER_CONNECTION; m++) {
                                List<String> rcpts = recipients(session, m);
                                String id = c.sendMail("sender@example.org", rcpts, body(session, m));
                                assertThat(acknowledged.put(id, rcpts)).as("queue ID %s given twice", id).isNull();
                            }
                            c.send("QUIT").expect(221);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : sessions) {
                    f.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            // The last 250 has just arrived: kill at once, no clean shutdown of broker or routes.
            gateway.kill9();
            filesAtKill = Maildirs.delivered(data).size();
        }

        int expectedFiles = acknowledged.values().stream().mapToInt(List::size).sum();
        assertThat(acknowledged).hasSize(TOTAL);
        assertThat(filesAtKill).as("Maildir files at kill -9: messages must still be in flight, or the restart tests nothing")
                .isLessThan(expectedFiles);
        System.out.printf("kill -9 while draining: %d of %d Maildir files written, %d still only in the broker journal%n",
                filesAtKill, expectedFiles, expectedFiles - filesAtKill);

        try (GatewayProcess restarted = GatewayProcess.start(dir, env)) {
            // Every acknowledged message arrives, and it stays so for a second: a late redelivery of
            // something already stored would add a file. On a timeout the assertions below say
            // exactly which (mailbox, queue ID) pairs are missing or extra.
            try {
                await("every acknowledged message in the Maildir").atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> Maildirs.delivered(data).size() >= expectedFiles);
                await("no file more").during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> Maildirs.delivered(data).size() == expectedFiles);
            } catch (ConditionTimeoutException e) {
                System.out.println(e.getMessage());
            }

            List<Maildirs.Delivered> files = Maildirs.delivered(data);
            List<String> expected = acknowledged.entrySet().stream()
                    .flatMap(e -> e.getValue().stream().map(rcpt -> rcpt + " " + e.getKey()))
                    .sorted().toList();
            List<String> actual = files.stream().map(d -> d.mailbox() + " " + d.queueId()).sorted().toList();
            Map<String, Long> duplicates = actual.stream()
                    .collect(Collectors.groupingBy(Function.identity(), TreeMap::new, Collectors.counting()));
            duplicates.values().removeIf(n -> n == 1);
            assertThat(duplicates).as("mailbox+queue ID with more than one file").isEmpty();
            assertThat(actual).as("files in new/ (mailbox, queue ID)").containsExactlyElementsOf(expected);
            assertThat(restarted.isAlive()).isTrue();
        }
    }

    /** The standard routes, the Maildir one with a {@value #STORE_DELAY_MS} ms delay before each message. */
    private Path routesWithSlowMaildir() throws IOException {
        Path routes = Files.createDirectories(dir.resolve("slow-store-routes"));
        try (Stream<Path> standard = Files.list(Path.of("routes"))) {
            for (Path f : standard.filter(f -> f.toString().endsWith(".camel.yaml")).toList()) {
                Files.copy(f, routes.resolve(f.getFileName()));
            }
        }
        Path maildir = routes.resolve("store-maildir.camel.yaml");
        String store = "        - process:\n            ref: maildirStore\n";
        String route = Files.readString(maildir);
        assertThat(route).contains(store);
        // synchronous: the delay holds the transacted consumer, as a slow write would; once per
        // message of the batch (storeBatch: the body is a StoreBatch)
        Files.writeString(maildir, route.replace(store, "        - loop:\n            expression:\n              simple: \"${body.entries().size()}\"\n"
                + "            steps:\n              - delay:\n                  expression:\n                    constant: \""
                + STORE_DELAY_MS + "\"\n                  asyncDelayed: false\n" + store));
        return routes;
    }

    /** Every message to one of the mailboxes; every third one also to the next mailbox. */
    private static List<String> recipients(int session, int m) {
        int first = (session + m) % MAILBOXES.size();
        return m % 3 == 0
                ? List.of(MAILBOXES.get(first), MAILBOXES.get((first + 1) % MAILBOXES.size()))
                : List.of(MAILBOXES.get(first));
    }

    private static byte[] body(int session, int m) {
        return ("From: <sender@example.org>\r\nSubject: crash test " + session + "/" + m + "\r\n\r\n"
                + ("line of session " + session + " message " + m + "\r\n").repeat(40)
                + ".\r\n").getBytes(StandardCharsets.US_ASCII);
    }
}
