package io.mailgateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayConfigTest {

    @Test
    void should_work_out_of_the_box_with_defaults() {
        GatewayConfig c = GatewayConfig.load(Map.of(), new Properties());
        assertThat(c.getInt("SMTP_PORT")).isEqualTo(2525);
        assertThat(c.localDomains()).containsExactly("localhost", "example.com");
        assertThat(c.getLong("SMTP_MAX_MESSAGE_SIZE")).isEqualTo(52_428_800L);
        assertThat(c.getInt("SMTP_MAX_RECIPIENTS")).isEqualTo(100);
        assertThat(c.storageTypes()).containsExactly("maildir", "sql"); // DESIGN.md: maildir,sql
        assertThat(c.dataDir()).isEqualTo(Path.of("data").toAbsolutePath());
    }

    @Test
    void should_take_environment_over_config_file_over_defaults(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("smtp.env");
        Files.writeString(file, "# comment\nSMTP_PORT=2600\nexport LOCAL_DOMAINS=\"a.test,B.test\"\nIDLE_TIMEOUT='60'\n");
        GatewayConfig c = GatewayConfig.load(Map.of("CONFIG_FILE", file.toString(), "SMTP_PORT", "2700"), new Properties());
        assertThat(c.getInt("SMTP_PORT")).isEqualTo(2700);
        assertThat(c.localDomains()).containsExactly("a.test", "b.test");
        assertThat(c.getInt("IDLE_TIMEOUT")).isEqualTo(60);
    }

    @Test
    void should_keep_secrets_out_of_the_camel_properties_that_camel_logs() {
        GatewayConfig c = GatewayConfig.load(Map.of("DB_PASSWORD", "hunter2", "AWS_SECRET_ACCESS_KEY", "s3cr3t"), new Properties());
        assertThat(c.get("DB_PASSWORD")).isEqualTo("hunter2");
        assertThat(c.asProperties()).doesNotContainKeys("DB_PASSWORD", "AWS_SECRET_ACCESS_KEY").containsKey("SMTP_PORT");
    }

    @Test
    void should_name_the_key_of_an_invalid_value() {
        assertThatThrownBy(() -> GatewayConfig.load(Map.of("SMTP_PORT", "abc"), new Properties()))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("SMTP_PORT:");
        assertThatThrownBy(() -> GatewayConfig.load(Map.of("SMTP_MAX_RECIPIENTS", "0"), new Properties()))
                .hasMessageStartingWith("SMTP_MAX_RECIPIENTS:");
        assertThatThrownBy(() -> GatewayConfig.load(Map.of("TCP_NODELAY", "yes"), new Properties()))
                .hasMessageStartingWith("TCP_NODELAY:");
        assertThatThrownBy(() -> GatewayConfig.load(Map.of("POLICY_DATA_CHECKS", "no.such.Check"), new Properties()))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("POLICY_DATA_CHECKS:")
                .hasMessageContaining("no class no.such.Check");
        assertThatThrownBy(() -> GatewayConfig.load(Map.of("POLICY_DATA_CHECKS", "java.lang.String"), new Properties()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("does not implement");
        assertThatThrownBy(() -> GatewayConfig.load(Map.of("LOCAL_DOMAINS", "ok.test,bad domain"), new Properties()))
                .hasMessageStartingWith("LOCAL_DOMAINS:");
        assertThatThrownBy(() -> GatewayConfig.load(Map.of("STORAGE_TYPE", "Maildir/.."), new Properties()))
                .hasMessageStartingWith("STORAGE_TYPE:");
        assertThatThrownBy(() -> GatewayConfig.load(Map.of("CONFIG_FILE", "/no/such/file"), new Properties()))
                .hasMessageStartingWith("CONFIG_FILE:");
        assertThatThrownBy(() -> GatewayConfig.load(Map.of("ROUTES_DIR", "/no/such/dir"), new Properties()))
                .hasMessageStartingWith("ROUTES_DIR:");
    }

    @Test
    void should_document_every_key_with_its_default_in_docs_configuration_md() throws Exception {
        String doc = Files.readString(Path.of("docs", "configuration.md"));
        for (Setting s : Settings.ALL) {
            assertThat(doc).as("docs/configuration.md documents %s", s.key()).contains("`" + s.key() + "`");
            if (s.defaultValue() != null && !s.defaultValue().isEmpty()) {
                String row = doc.lines().filter(l -> l.contains("`" + s.key() + "`")).findFirst().orElseThrow();
                assertThat(row).as("default of %s", s.key()).contains("`" + s.defaultValue() + "`");
            }
        }
    }
}
