package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.testing.SmtpTestClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM: idle sessions hear 421 4.3.2, the process exits in time, nothing acknowledged is lost. */
class ShutdownIT {

    @TempDir
    Path dir;

    @Test
    void should_say_421_to_idle_sessions_and_exit_cleanly_on_sigterm() throws Exception {
        int port = GatewayProcess.freePort();
        Map<String, String> env = Map.of("DATA_DIR", dir.resolve("data").toString(), "SMTP_PORT", String.valueOf(port));
        String id;
        try (GatewayProcess gateway = GatewayProcess.start(dir, env);
             SmtpTestClient idle = SmtpTestClient.connectEhlo(port)) {
            try (SmtpTestClient c = SmtpTestClient.connectEhlo(port)) {
                id = c.sendMail("s@example.org", List.of("last@example.com"),
                        "Subject: before stop\r\n\r\nx\r\n.\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            long start = System.nanoTime();
            int status = gateway.terminate(30);
            assertThat(status).as("exit status after SIGTERM\n%s", gateway.log()).isIn(0, 143);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
            idle.expect(421, "4.3.2");
            assertThat(idle.isClosedByServer()).isTrue();
        }
        try (GatewayProcess again = GatewayProcess.start(dir, env)) {
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    Maildirs.newFiles(dir.resolve("data")).stream().anyMatch(f -> Maildirs.queueId(f).equals(id)));
        }
    }
}
