package io.mailgateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The configuration dump at start: every key with value and source, and no secret in it. */
class EffectiveConfigTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "DB_PASSWORD|hunter2",
            "AWS_SECRET_ACCESS_KEY|wJalrXUtnFEMI/K7MDENG",
            "AWS_ACCESS_KEY_ID|AKIAIOSFODNN7EXAMPLE",
            "SLACK_TOKEN|xoxb-123",
            "SMTP_AUTH_SECRET|x"})
    void should_mask_the_whole_value_of_a_secret_key(String key, String value) {
        assertThat(EffectiveConfig.mask(key, value)).isEqualTo("****");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "jdbc:postgresql://mail:hunter2@db.internal:5432/mail|jdbc:postgresql://mail:****@db.internal:5432/mail",
            "smtp://relay:p@ss@smarthost.example:587|smtp://relay:****@smarthost.example:587",
            "jdbc:postgresql://db/mail?user=mail&password=hunter2&ssl=true|jdbc:postgresql://db/mail?user=mail&password=****&ssl=true",
            "jdbc:sqlserver://db;user=mail;password=hunter2|jdbc:sqlserver://db;user=mail;password=****",
            "https://s3.example/?X-Amz-Security-Token=abc&a=b|https://s3.example/?X-Amz-Security-Token=****&a=b",
            "jdbc:postgresql://db.internal:5432/mail|jdbc:postgresql://db.internal:5432/mail",
            "jdbc:sqlite:/var/lib/gw/gateway.db|jdbc:sqlite:/var/lib/gw/gateway.db",
            "relay.test=smtp:[127.0.0.1]:2525,*=mx|relay.test=smtp:[127.0.0.1]:2525,*=mx"})
    void should_mask_credentials_inside_urls_of_any_key(String value, String logged) {
        assertThat(EffectiveConfig.mask("DB_URL", value)).isEqualTo(logged);
    }

    @Test
    void should_leave_an_empty_secret_empty_so_unset_is_visible() {
        assertThat(EffectiveConfig.mask("DB_PASSWORD", "")).isEmpty();
    }

    @Test
    void should_list_every_key_with_its_source_and_no_secret(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("smtp.env");
        Files.writeString(file, "IDLE_TIMEOUT=60\nDB_URL=jdbc:postgresql://mail:filepass@db/mail\n");
        Properties system = new Properties();
        system.setProperty("SMTP_MAX_ERRORS", "7");
        GatewayConfig config = GatewayConfig.load(Map.of("CONFIG_FILE", file.toString(), "SMTP_PORT", "2700",
                "DB_PASSWORD", "hunter2"), system);

        String text = EffectiveConfig.describe(config);

        assertThat(text.lines().skip(1)).hasSize(Settings.ALL.size());
        assertThat(text).contains("  SMTP_PORT=2700 (environment)", "  IDLE_TIMEOUT=60 (CONFIG_FILE)",
                "  SMTP_MAX_RECIPIENTS=100 (default)", "  SMTP_MAX_ERRORS=7 (system property)",
                "  DB_PASSWORD=**** (environment)", "  DB_URL=jdbc:postgresql://mail:****@db/mail (CONFIG_FILE)")
                .doesNotContain("hunter2", "filepass");
    }
}
