package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.testing.CaptureSmtpServer;
import io.mailgateway.testing.SmtpTestClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * QUEUE_MAX_RETRIES counts retries, not attempts: against a next hop that always answers 451
 * (a real SMTP server on loopback), QUEUE_MAX_RETRIES=N makes exactly N + 1 attempts, then the
 * sender gets a bounce. Retries come 0.2 s apart and the message never grows old enough for
 * QUEUE_MAX_AGE, so only the retry count ends them.
 */
class QueueRetriesIT {

    @TempDir
    Path dir;

    @Test
    void should_make_one_attempt_and_two_retries_with_two_max_retries() throws Exception {
        assertAttemptsThenBounce(2, 3);
    }

    @Test
    void should_make_one_attempt_only_with_zero_max_retries() throws Exception {
        assertAttemptsThenBounce(0, 1);
    }

    private void assertAttemptsThenBounce(int maxRetries, int attempts) throws Exception {
        Path data = dir.resolve("data");
        try (CaptureSmtpServer hop = CaptureSmtpServer.start()) {
            Map<String, String> env = Map.of(
                    "DATA_DIR", data.toString(),
                    "LOCAL_DOMAINS", "example.com",
                    "TRANSPORT_MAP", "relay.test=smtp:[127.0.0.1]:" + hop.port(),
                    "QUEUE_INITIAL_RETRY_DELAY", "0.2",
                    "QUEUE_RETRY_BACKOFF", "1.0",
                    "QUEUE_MAX_AGE", "1h",
                    "QUEUE_MAX_RETRIES", String.valueOf(maxRetries),
                    "STORAGE_TYPE", "maildir");
            String rcpt = "down-retries@relay.test"; // the hop answers RCPT with 451 4.3.2, always
            try (GatewayProcess gateway = GatewayProcess.start(dir, env);
                 SmtpTestClient c = SmtpTestClient.connectEhlo(gateway.port())) {
                String id = c.sendMail("sender@example.com", List.of(rcpt),
                        "Subject: retries\r\n\r\nbody\r\n.\r\n".getBytes(StandardCharsets.US_ASCII));
                await().atMost(Duration.ofSeconds(60)).until(() -> !bounces(data).isEmpty());
                assertThat(hop.attempts(rcpt)).as("attempts of queue ID %s", id).hasSize(attempts);
                String dsn = Files.readString(bounces(data).get(0).file(), StandardCharsets.ISO_8859_1);
                assertThat(dsn).contains("Final-Recipient: rfc822; " + rcpt, "Status: 4.3.2",
                        "retries exhausted after " + attempts + " attempts");
            }
        }
    }

    private static List<Maildirs.Delivered> bounces(Path data) {
        return Maildirs.delivered(data).stream().filter(d -> d.mailbox().equals("sender@example.com")).toList();
    }
}
