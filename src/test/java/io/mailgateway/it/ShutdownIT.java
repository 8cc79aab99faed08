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

/**
 * SIGTERM (systemd stop, docker stop): an idle session hears "421 4.3.2" and is closed, the
 * process exits with 0 or 143 within 30 s, and a message acknowledged just before the signal
 * is in the Maildir (at once, or after the next start) exactly once.
 */
class ShutdownIT {

    @TempDir
    Path dir;

    @Test
    void should_tell_idle_sessions_421_exit_in_time_and_keep_the_last_acknowledged_message() throws Exception {
        Path data = dir.resolve("data");
        Map<String, String> env = Map.of(
                "DATA_DIR", data.toString(),
                "SMTP_PORT", String.valueOf(GatewayProcess.freePort()));
        String lastId;
        try (GatewayProcess gateway = GatewayProcess.start(dir, env);
             SmtpTestClient idle = SmtpTestClient.connectEhlo(gateway.port());
             SmtpTestClient sender = SmtpTestClient.connectEhlo(gateway.port())) {
            lastId = sender.sendMail("s@example.org", List.of("last@example.com"),
                    "Subject: just before SIGTERM\r\n\r\nbody\r\n.\r\n".getBytes(StandardCharsets.US_ASCII));

            long t0 = System.nanoTime();
            int status = gateway.terminate(Duration.ofSeconds(30));
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            System.out.printf("exit status %d %s after SIGTERM%n", status, took);
            assertThat(status).as("exit status after SIGTERM").isIn(0, 143);
            assertThat(took).isLessThan(Duration.ofSeconds(30));

            // The process is gone; the 421 it wrote before closing waits in our socket buffer.
            idle.expect(421, "4.3.2");
            assertThat(idle.isClosedByServer()).as("idle session closed after 421").isTrue();
        }

        boolean storedBeforeExit = Maildirs.ofQueueId(data, lastId).size() == 1;
        System.out.printf("%s in the Maildir %s%n", lastId, storedBeforeExit ? "before the process exited" : "not yet: needs the restart");
        // Start again on the same DATA_DIR: whatever the broker still held is delivered now, and
        // nothing delivered before is delivered twice.
        try (GatewayProcess again = GatewayProcess.start(dir, env)) {
            await(lastId + " in the Maildir").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> !Maildirs.ofQueueId(data, lastId).isEmpty());
            // A redelivery of an already stored message would show up as a second file.
            await("exactly one file, for a second").during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(100))
                    .until(() -> Maildirs.delivered(data).size() == 1);
            assertThat(Maildirs.ofQueueId(data, lastId)).extracting(Maildirs.Delivered::mailbox)
                    .containsExactly("last@example.com");
            assertThat(Maildirs.delivered(data)).hasSize(1);
            assertThat(again.terminate()).isIn(0, 143);
        }
    }

    /**
     * The whole graceful stop, made visible: log4j's own shutdown hook is switched off so the
     * lines logged while stopping are kept. The broker must stop inside Camel's stop (which the
     * SIGTERM hook waits for), not after main.run() returns, when the JVM may already have halted.
     */
    @Test
    void should_stop_the_broker_cleanly_on_sigterm() throws Exception {
        Map<String, String> env = Map.of(
                "DATA_DIR", dir.resolve("data").toString(),
                "SMTP_PORT", String.valueOf(GatewayProcess.freePort()));
        try (GatewayProcess gateway = GatewayProcess.start(dir, env, "-Dlog4j2.shutdownHookEnabled=false")) {
            assertThat(gateway.terminate()).isIn(0, 143);
            assertThat(gateway.log()).contains("SMTP listener stopped", "Apache Camel (Main) 4.18.0 shutdown", "broker stopped");
        }
    }
}
