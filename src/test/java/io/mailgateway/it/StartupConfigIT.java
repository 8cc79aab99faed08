package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/** A bad setting stops startup with status 2 and a message that names the key. */
class StartupConfigIT {

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "SMTP_PORT|abc",
            "LOCAL_DOMAINS|bad domain!",
            "STORAGE_TYPE|nosuchstore",
            "SMTP_MAX_MESSAGE_SIZE|-5"})
    void should_refuse_to_start_naming_the_bad_key(String key, String value) throws Exception {
        try (GatewayProcess p = GatewayProcess.launch(dir, Map.of("DATA_DIR", dir.resolve("data").toString(), key, value))) {
            assertThat(p.awaitExit(60)).isEqualTo(2);
            assertThat(p.log()).contains("configuration error: " + key);
        }
    }
}
