package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.testing.SmtpTestClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's HAProxy in front of a gateway process with PROXY_PROTOCOL=true, configured by
 * docs/haproxy/haproxy.cfg as documented: the client's own address (127.0.0.7 here, HAProxy
 * itself talks from 127.0.0.1) reaches the Received header; HAProxy's SMTP health check
 * (220 / QUIT / 221 behind a PROXY header of its own) passes; a client that skips HAProxy and
 * talks SMTP straight to the listener is closed unanswered.
 */
class ProxyProtocolIT {

    @TempDir
    Path dir;

    @Test
    void should_see_the_real_client_behind_haproxy_and_refuse_connections_without_the_header() throws Exception {
        int front = GatewayProcess.freePort();
        int metricsPort = GatewayProcess.freePort();
        Map<String, String> env = Map.of(
                "DATA_DIR", dir.resolve("data").toString(),
                "METRICS_PORT", String.valueOf(metricsPort),
                "PROXY_PROTOCOL", "true",
                "STORAGE_TYPE", "maildir");
        try (GatewayProcess gateway = GatewayProcess.start(dir, env); Haproxy haproxy = Haproxy.start(front, gateway.port())) {
            // two health checks went through: each a PROXY header, then 220, QUIT, 221
            await().atMost(Duration.ofSeconds(20)).until(
                    () -> MetricsIT.scrape(metricsPort).getOrDefault("smtp_responses_total{code=\"221\",enhanced=\"2.0.0\"}", 0.0) >= 2);

            String rcpt = "behind-proxy@example.com";
            try (SmtpTestClient c = SmtpTestClient.connectRaw(front, "127.0.0.7")) {
                c.expect(220);
                c.send("EHLO client.test").expect(250);
                c.sendMail("sender@example.org", List.of(rcpt), "Subject: via haproxy\r\n\r\nhi\r\n.\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
            }
            Path inbox = dir.resolve("data/maildir/example.com/behind-proxy/new");
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.isDirectory(inbox) && count(inbox) == 1);
            String stored;
            try (Stream<Path> files = Files.list(inbox)) {
                stored = Files.readString(files.findFirst().orElseThrow());
            }
            assertThat(stored).contains("Received: from client.test ([127.0.0.7])");

            try (SmtpTestClient direct = SmtpTestClient.connectRaw(gateway.port())) {
                direct.sendRaw("EHLO sneaky.test\r\n");
                assertThat(direct.isClosedByServer()).as("closed without a greeting or a reply").isTrue();
            }
            assertThat(MetricsIT.scrape(metricsPort)).containsEntry("smtp_connections_rejected_total{reason=\"no_proxy_header\"}", 1.0);
        }
    }

    private static long count(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        }
    }

    /** Debian's haproxy in the foreground with the documented configuration. */
    private record Haproxy(Process process) implements AutoCloseable {

        static Haproxy start(int front, int gatewayPort) throws IOException {
            Path binary = Path.of("/usr/sbin/haproxy");
            assertThat(binary).as("Debian's haproxy (apt-get install haproxy; .ci/run installs it)").exists();
            ProcessBuilder pb = new ProcessBuilder(binary.toString(), "-db", "-f", Path.of("docs/haproxy/haproxy.cfg").toAbsolutePath().toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            pb.environment().put("SMTP_FRONT", "127.0.0.1:" + front);
            pb.environment().put("GATEWAY_1", "127.0.0.1:" + gatewayPort);
            Haproxy h = new Haproxy(pb.start());
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                assertThat(h.process.isAlive()).as("haproxy runs").isTrue();
                try (java.net.Socket s = new java.net.Socket("127.0.0.1", front)) {
                    return true;
                } catch (IOException e) {
                    return false;
                }
            });
            return h;
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            process.waitFor();
        }
    }
}
