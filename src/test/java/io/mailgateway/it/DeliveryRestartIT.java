package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.testing.CaptureSmtpServer;
import io.mailgateway.testing.SmtpTestClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The retry schedule lives in the broker journal, not in the gateway's memory: a message whose
 * next hop answered 450 is retried on schedule by a gateway that was SIGKILLed and started again
 * between two attempts, and delivered exactly once.
 */
class DeliveryRestartIT {

    private static final long INITIAL_MS = 6000;

    @TempDir
    Path dir;

    @Test
    void should_retry_on_schedule_after_kill_9_and_restart_between_attempts() throws Exception {
        try (CaptureSmtpServer hop = CaptureSmtpServer.start()) {
            Map<String, String> env = Map.of(
                    "DATA_DIR", dir.resolve("data").toString(),
                    "SMTP_PORT", String.valueOf(GatewayProcess.freePort()),
                    "SMTP_HOSTNAME", "mx.restart.test",
                    "TRANSPORT_MAP", "relay.test=smtp:[127.0.0.1]:" + hop.port(),
                    "QUEUE_INITIAL_RETRY_DELAY", INITIAL_MS + "ms",
                    "QUEUE_RETRY_BACKOFF", "2",
                    "STORAGE_TYPE", "maildir");
            String rcpt = "temp2-restart@relay.test"; // 450 twice, then 250
            String id;
            try (GatewayProcess gateway = GatewayProcess.start(dir, env)) {
                try (SmtpTestClient c = SmtpTestClient.connectEhlo(gateway.port())) {
                    id = c.sendMail("sender@example.org", List.of(rcpt),
                            "Subject: restart\r\n\r\nbody\r\n.\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                // Attempt 2 has failed: the third is scheduled 12 s later, in the journal only.
                await().atMost(Duration.ofSeconds(30)).until(() -> hop.attempts(rcpt).size() == 2);
                // attempt 2's transaction (the scheduled copy) has committed once it is logged
                await().atMost(Duration.ofSeconds(10)).until(() -> gateway.log().contains("attempt=2 next in"));
                gateway.kill9();
            }
            try (GatewayProcess again = GatewayProcess.start(dir, env)) {
                long ready = System.currentTimeMillis();
                await().atMost(Duration.ofSeconds(60)).until(() -> hop.messagesFor(rcpt).size() == 1);
                List<Long> at = hop.attempts(rcpt);
                assertThat(at).hasSize(3);
                long gap1 = at.get(1) - at.get(0);
                long gap2 = at.get(2) - at.get(1);
                long due = at.get(1) + 2 * INITIAL_MS;
                System.out.printf("attempt gaps across the restart: %d ms, %d ms (restarted gateway ready %d ms after attempt 2)%n",
                        gap1, gap2, ready - at.get(1));
                assertThat(gap1).isGreaterThanOrEqualTo(INITIAL_MS - 5);
                assertThat(gap2).as("the third attempt waits its scheduled 2 x %d ms across the restart", INITIAL_MS)
                        .isGreaterThanOrEqualTo(2 * INITIAL_MS - 5);
                if (ready < due) {
                    // Up again before it was due: the broker kept the time, not just the message.
                    assertThat((double) gap2 / gap1).isBetween(1.5, 2.6);
                } else {
                    // Overdue when the gateway came back (a slow start under load): tried at once.
                    assertThat(at.get(2) - ready).isLessThan(3000);
                }
                assertThat(hop.messagesFor(rcpt).get(0).text()).contains(" id " + id);
                await("delivered exactly once").during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                        .until(() -> hop.messagesFor(rcpt).size() == 1);
                assertThat(again.terminate()).isIn(0, 143);
            }
        }
    }
}
