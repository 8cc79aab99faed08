package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A bad setting stops the packaged jar at startup with exit status 2 (not 1, not a hang, not a
 * half-started gateway) and a one-line message that names the key, so an operator knows what to fix.
 */
class StartupConfigIT {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}=''{1}''")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "SMTP_PORT|abc",
            "LOCAL_DOMAINS|bad domain!",
            "STORAGE_TYPE|nosuchstore",
            "SMTP_MAX_MESSAGE_SIZE|-5",
            "RATE_LIMIT_WHITELIST|10.0.0.0/8,mail.example.com",
            "DISK_MAX_USAGE|90"}) // not below broker.xml's max-disk-usage: refused before the broker starts
    void should_exit_with_status_2_naming_the_bad_key(String key, String value) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("DATA_DIR", dir.resolve("data").toString());
        env.put(key, value); // SMTP_PORT defaults to a free port in GatewayProcess, never 2525
        try (GatewayProcess p = GatewayProcess.launch(dir, env)) {
            int status = p.awaitExit(Duration.ofSeconds(30));
            assertThat(status).as("exit status within 30 s (MIN_VALUE = still running); log:\n%s", p.log()).isEqualTo(2);
            assertThat(p.log()).contains("configuration error: " + key + ":")
                    .doesNotContain("SMTP listening on")
                    .doesNotContain("\tat "); // a message, not a stack trace
        }
    }
}
