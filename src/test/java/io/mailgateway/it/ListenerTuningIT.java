package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.testing.SmtpTestClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tuning keys from the environment to the sockets of a gateway process: the kernel's own view
 * of the gateway's side of an SMTP connection (iproute2's ss: the keep-alive timer armed from
 * TCP_KEEPALIVE_IDLE, the buffers of SOCKET_RECV_BUFFER and SOCKET_SEND_BUFFER, doubled by Linux),
 * and PIPELINE_MAX_COMMANDS in smtp_pipeline_throttled_total.
 */
class ListenerTuningIT {

    private static final Pattern KEEPALIVE = Pattern.compile("timer:\\(keepalive,(\\d+)sec,0\\)");
    private static final Pattern SKMEM = Pattern.compile("skmem:\\(r\\d+,rb(\\d+),t\\d+,tb(\\d+),");

    @TempDir
    Path dir;

    @Test
    void should_apply_the_tcp_options_and_the_pipelining_window_configured_in_the_environment() throws Exception {
        int metricsPort = GatewayProcess.freePort();
        Map<String, String> env = Map.of(
                "DATA_DIR", dir.resolve("data").toString(),
                "METRICS_PORT", String.valueOf(metricsPort),
                "STORAGE_TYPE", "maildir",
                "TCP_KEEPALIVE_IDLE", "45",
                "TCP_KEEPALIVE_INTERVAL", "7",
                "TCP_KEEPALIVE_COUNT", "3",
                "SOCKET_RECV_BUFFER", "40000",
                "SOCKET_SEND_BUFFER", "50000",
                "PIPELINE_MAX_COMMANDS", "3");
        try (GatewayProcess gateway = GatewayProcess.start(dir, env);
             SmtpTestClient c = SmtpTestClient.connectEhlo(gateway.port())) {
            // While our last reply is unacknowledged the kernel shows its retransmission timer
            // ("on") instead; the keep-alive timer shows once the connection is quiet.
            String[] seen = new String[1];
            org.awaitility.Awaitility.await("the keep-alive timer").atMost(java.time.Duration.ofSeconds(10))
                    .pollInterval(java.time.Duration.ofMillis(200))
                    .until(() -> KEEPALIVE.matcher(seen[0] = serverSide(gateway.port())).find());
            String server = seen[0];
            Matcher keepalive = KEEPALIVE.matcher(server);
            assertThat(keepalive.find()).as("keep-alive timer in: %s", server).isTrue();
            assertThat(Integer.parseInt(keepalive.group(1))).as("seconds to the first probe").isBetween(1, 45);
            Matcher skmem = SKMEM.matcher(server);
            assertThat(skmem.find()).as("socket memory in: %s", server).isTrue();
            assertThat(skmem.group(1)).as("receive buffer").isEqualTo("80000");
            assertThat(skmem.group(2)).as("send buffer").isEqualTo("100000");

            c.sendRaw("NOOP\r\n".repeat(7));
            for (int i = 0; i < 7; i++) {
                c.expect(250, "2.0.0");
            }
            assertThat(MetricsIT.scrape(metricsPort)).containsEntry("smtp_pipeline_throttled_total", 2.0);
        }
    }

    /** ss's line(s) for the established connection whose local port is the gateway's. */
    private static String serverSide(int port) throws IOException, InterruptedException {
        Process ss = new ProcessBuilder("ss", "-tnoHm", "state", "established", "sport", "=", ":" + port)
                .redirectErrorStream(true).start();
        String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(ss.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ss.exitValue()).as("ss: %s", out).isZero();
        return out;
    }
}
