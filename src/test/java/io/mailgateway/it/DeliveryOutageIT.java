package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.testing.CaptureSmtpServer;
import io.mailgateway.testing.SmtpTestClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4's acceptance run: with the next hop down, 1,000 messages accepted, the gateway
 * restarted twice (SIGTERM, then SIGKILL) while they wait, the hop brought back: every message
 * delivered exactly once. Prints the measured retry gaps and timings.
 */
class DeliveryOutageIT {

    private static final int SESSIONS = 20;
    private static final int PER_SESSION = 50;
    private static final int TOTAL = SESSIONS * PER_SESSION;
    private static final Pattern DEFERRED = Pattern.compile(
            "^(\\S+) .*DeliverProcessor - (\\S+): deferred to=\\S+ attempt=(\\d+) next in (\\d+) ms");

    @TempDir
    Path dir;

    @Test
    void should_deliver_every_message_exactly_once_after_an_outage_with_two_restarts() throws Exception {
        try (CaptureSmtpServer hop = CaptureSmtpServer.start()) {
            hop.setDown();
            Map<String, String> env = Map.of(
                    "DATA_DIR", dir.resolve("data").toString(),
                    "SMTP_PORT", String.valueOf(GatewayProcess.freePort()),
                    "TRANSPORT_MAP", "relay.test=smtp:[127.0.0.1]:" + hop.port(),
                    "QUEUE_INITIAL_RETRY_DELAY", "0.5",
                    "QUEUE_RETRY_BACKOFF", "2",
                    "QUEUE_MAX_RETRY_DELAY", "4",
                    "STORAGE_TYPE", "maildir");
            Map<String, String> accepted = new ConcurrentHashMap<>(); // recipient -> queue ID
            long t0 = System.currentTimeMillis();
            long acceptedMs;
            try (GatewayProcess gateway = GatewayProcess.start(dir, env)) {
                ExecutorService pool = Executors.newFixedThreadPool(SESSIONS);
                try {
                    List<Future<?>> sessions = new ArrayList<>();
                    long start = System.currentTimeMillis();
                    for (int s = 0; s < SESSIONS; s++) {
                        int session = s;
                        sessions.add(pool.submit(() -> {
                            try (SmtpTestClient c = SmtpTestClient.connectEhlo(gateway.port())) {
                                for (int m = 0; m < PER_SESSION; m++) {
                                    String rcpt = "m" + session + "-" + m + "@relay.test";
                                    accepted.put(rcpt, c.sendMail("sender@example.org", List.of(rcpt),
                                            ("Subject: outage " + rcpt + "\r\n\r\nbody\r\n.\r\n").getBytes(StandardCharsets.US_ASCII)));
                                }
                                c.send("QUIT").expect(221);
                            }
                            return null;
                        }));
                    }
                    for (Future<?> f : sessions) {
                        f.get(120, TimeUnit.SECONDS);
                    }
                    acceptedMs = System.currentTimeMillis() - start;
                } finally {
                    pool.shutdownNow();
                }
                // a few rounds of retries against the dead hop
                await().atMost(Duration.ofSeconds(60)).until(() -> deferrals(gateway) >= 2 * TOTAL);
                assertThat(gateway.terminate()).isIn(0, 143);
            }
            try (GatewayProcess second = GatewayProcess.start(dir, env)) {
                // the restarted gateway retries on the journal's schedule: every message once more
                await().atMost(Duration.ofSeconds(60)).until(() -> deferrals(second) >= TOTAL);
                second.kill9();
            }
            long up;
            try (GatewayProcess third = GatewayProcess.start(dir, env)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> deferrals(third) >= TOTAL);
                hop.setUp();
                up = System.currentTimeMillis();
                await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200))
                        .until(() -> hop.messages().size() >= TOTAL);
                long drained = System.currentTimeMillis() - up;
                // anything left over (a duplicate) would arrive now
                await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10)).until(() -> hop.messages().size() == TOTAL);
                assertThat(accepted).hasSize(TOTAL);
                for (Map.Entry<String, String> e : accepted.entrySet()) {
                    List<CaptureSmtpServer.Received> got = hop.messagesFor(e.getKey());
                    assertThat(got).as("messages for %s", e.getKey()).hasSize(1);
                    assertThat(got.get(0).text()).contains(" id " + e.getValue());
                }
                assertThat(hop.messages()).hasSize(TOTAL);
                assertThat(third.log()).doesNotContain("failed to=");
                report(acceptedMs, drained, System.currentTimeMillis() - t0);
            }
        }
    }

    /** Retry statistics from the gateway logs of the three runs. */
    private void report(long acceptedMs, long drainedMs, long totalMs) throws Exception {
        Map<Integer, List<Long>> delayByAttempt = new TreeMap<>();
        Map<String, List<LocalDateTime>> timesById = new ConcurrentHashMap<>();
        DateTimeFormatter ts = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss,SSS");
        int deferred = 0;
        try (Stream<Path> logs = Files.list(dir)) {
            for (Path log : logs.filter(p -> p.getFileName().toString().startsWith("gateway-")).sorted().toList()) {
                for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                    Matcher m = DEFERRED.matcher(line);
                    if (m.find()) {
                        deferred++;
                        delayByAttempt.computeIfAbsent(Integer.parseInt(m.group(3)), k -> new ArrayList<>()).add(Long.parseLong(m.group(4)));
                        timesById.computeIfAbsent(m.group(2), k -> new ArrayList<>()).add(LocalDateTime.parse(m.group(1), ts));
                    }
                }
            }
        }
        System.out.printf("acceptance run: %d messages accepted in %d ms (hop down); %d deferrals logged; "
                + "after the hop came back all delivered in %d ms; whole run %d ms%n", TOTAL, acceptedMs, deferred, drainedMs, totalMs);
        delayByAttempt.forEach((attempt, delays) -> System.out.printf("  after attempt %d: %d messages, scheduled delay %d ms%n",
                attempt, delays.size(), delays.get(0)));
        timesById.entrySet().stream().limit(1).forEach(e -> System.out.printf("  deferral times of %s: %s%n", e.getKey(), e.getValue()));
    }

    /** Delivery attempts that ended in "deferred" (a scheduled retry), as the gateway logged them. */
    private static long deferrals(GatewayProcess gateway) {
        return gateway.log().lines().filter(l -> l.contains(": deferred to=")).count();
    }
}
