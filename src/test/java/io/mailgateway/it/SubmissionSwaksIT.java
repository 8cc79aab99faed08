package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.testing.CaptureSmtpServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance, as an operator would do it: a user made with the jar's
 * {@code user add --password-stdin}, then swaks (Debian's) submits over STARTTLS with AUTH PLAIN
 * to a domain the gateway neither hosts nor relays for anyone else; the message leaves through
 * "delivery" to the smarthost (a loopback next hop). Without AUTH the same swaks is refused.
 */
class SubmissionSwaksIT {

    @TempDir
    Path dir;

    @Test
    void should_deliver_authenticated_submission_and_refuse_it_without_auth() throws Exception {
        try (CaptureSmtpServer hop = CaptureSmtpServer.start()) {
            int submission = GatewayProcess.freePort();
            Map<String, String> env = Map.of(
                    "DATA_DIR", dir.resolve("data").toString(),
                    "SUBMISSION_PORT", String.valueOf(submission),
                    "RELAY_HOST", "[127.0.0.1]:" + hop.port(),
                    "STORAGE_TYPE", "maildir");
            GatewayProcess.CommandResult added = GatewayProcess.commandWithInput(dir, env, "s3cret-passw0rd\n",
                    "user", "add", "carol@example.com", "--password-stdin");
            assertThat(added.status()).as("user add: %s %s", added.out(), added.err()).isZero();
            try (GatewayProcess gateway = GatewayProcess.start(dir, env)) {
                Swaks ok = swaks(submission, "--tls", "--auth", "PLAIN", "--auth-user", "carol@example.com",
                        "--auth-password", "s3cret-passw0rd", "--from", "carol@example.com", "--to", "someone@remote.test");
                System.out.println(ok.out()); // the transcript docs/security.md shows
                assertThat(ok.status()).as(ok.out()).isZero();
                assertThat(ok.out()).contains("<~  235 2.7.0").containsPattern("<~  250 2\\.0\\.0 Ok: queued as ");
                await().atMost(Duration.ofSeconds(30)).until(() -> hop.messagesFor("someone@remote.test").size() == 1);
                String delivered = hop.messagesFor("someone@remote.test").get(0).text();
                assertThat(delivered).contains("with ESMTPSA").contains("(using TLSv1.");

                Swaks refused = swaks(submission, "--tls", "--from", "carol@example.com", "--to", "someone@remote.test");
                assertThat(refused.status()).isNotZero();
                assertThat(refused.out()).contains("<~* 530 5.7.0");
                Swaks wrong = swaks(submission, "--tls", "--auth", "PLAIN", "--auth-user", "carol@example.com",
                        "--auth-password", "not-it", "--from", "carol@example.com", "--to", "someone@remote.test");
                assertThat(wrong.out()).contains("<~* 535 5.7.8");
                assertThat(hop.messagesFor("someone@remote.test")).hasSize(1);
            }
        }
    }

    private record Swaks(int status, String out) {
    }

    private static Swaks swaks(int port, String... args) throws Exception {
        Path binary = Path.of("/usr/bin/swaks");
        assertThat(binary).as("Debian's swaks (apt-get install swaks; .ci/run installs it)").exists();
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "--server", "127.0.0.1:" + port, "--timeout", "30"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Swaks(p.exitValue(), out);
    }
}
