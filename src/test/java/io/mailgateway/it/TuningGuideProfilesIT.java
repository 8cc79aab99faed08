package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.config.TuningGuide;
import io.mailgateway.testing.SmtpTestClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each of the tuning guide's five profiles, as written (src/test/resources/tuning-guide/), starts
 * the packaged gateway through CONFIG_FILE and it accepts mail; only the ports and DATA_DIR come
 * from the environment (which wins over the file). What the guide sets that has no meaning here,
 * and the lines meant for systemd or SQLite, are logged, not refused.
 */
class TuningGuideProfilesIT {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"high-volume-inbound", "high-volume-outbound", "mixed", "low-latency", "high-reliability"})
    void should_start_with_the_profile_as_written_and_accept_mail(String profile) throws Exception {
        Path file = Path.of("src", "test", "resources", "tuning-guide", profile + ".env").toAbsolutePath();
        String text = Files.readString(file);
        Map<String, String> env = Map.of("CONFIG_FILE", file.toString(), "DATA_DIR", dir.resolve("data").toString());
        try (GatewayProcess gateway = GatewayProcess.start(dir, env);
             SmtpTestClient client = SmtpTestClient.connectEhlo(gateway.port())) {
            String id = client.sendMail("sender@example.org", List.of("postmaster@example.com"),
                    ("Subject: " + profile + "\r\n\r\nprofile " + profile + "\r\n.\r\n").getBytes(StandardCharsets.US_ASCII));
            assertThat(id).isNotBlank();
            String log = gateway.log();
            assertThat(log).doesNotContain("configuration error").doesNotContain("unknown key");
            for (String key : TuningGuide.NOT_APPLICABLE.keySet()) {
                if (text.lines().anyMatch(l -> l.startsWith(key + "="))) {
                    assertThat(log).as("the log explains %s", key).contains("configuration: " + key + " (CONFIG_FILE) has no meaning here");
                }
            }
            if (text.contains("PRAGMA ")) {
                assertThat(log).contains("is SQLite advice, not a setting");
            }
            if (text.contains("Nice=")) {
                assertThat(log).contains("is a systemd unit directive");
            }
            assertThat(gateway.terminate()).isIn(0, 143);
        }
    }
}
