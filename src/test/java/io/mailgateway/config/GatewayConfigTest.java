package io.mailgateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
    void should_refuse_a_db_url_no_shipped_driver_takes_without_showing_its_password() {
        // jdbc:postgres: instead of jdbc:postgresql: used to pass and fail in HikariCP, URL and password in its message.
        assertThatThrownBy(() -> GatewayConfig.load(Map.of("DB_URL", "jdbc:postgres://gw:S3cretPw@db.invalid/mail"), new Properties()))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("DB_URL:")
                .hasMessageContaining("jdbc:postgres:").hasMessageNotContaining("S3cretPw").hasMessageNotContaining("gw:");
        assertThatThrownBy(() -> GatewayConfig.load(Map.of("DB_URL", "postgresql://db.invalid/mail"), new Properties()))
                .hasMessageStartingWith("DB_URL:");
        for (String url : List.of("", "jdbc:sqlite:/var/lib/mail/gateway.db", "jdbc:postgresql://db.invalid/mail")) {
            assertThat(GatewayConfig.load(Map.of("DB_URL", url), new Properties()).get("DB_URL")).isEqualTo(url);
        }
    }

    @Test
    void should_take_as_smtp_hostname_only_a_domain_name_or_an_address_literal() {
        // A systemd Environment= line or docker --env-file keeps an inline comment in the value; it
        // would go into the greeting, Received and the EHLO sent to every next hop.
        for (String bad : List.of("mx1.example.com # primary MX", "mx1.example.com.", "mx_1.example.com", "-mx.example.com",
                "[192.0.2.300]", "[IPv6:zz::1]", "mx..example.com")) {
            assertThatThrownBy(() -> GatewayConfig.load(Map.of("SMTP_HOSTNAME", bad), new Properties()))
                    .as(bad).isInstanceOf(ConfigException.class).hasMessageStartingWith("SMTP_HOSTNAME:");
        }
        for (String good : List.of("mx1.example.com", "localhost", "MX-2.Example.COM", "[192.0.2.1]", "[IPv6:2001:db8::1]")) {
            assertThat(GatewayConfig.load(Map.of("SMTP_HOSTNAME", good), new Properties()).get("SMTP_HOSTNAME")).isEqualTo(good);
        }
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

    @Test
    void should_read_the_guides_smtp_env_lines_as_written(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("smtp.env");
        Files.writeString(file, String.join("\n",
                "SMTP_MAX_MESSAGE_SIZE=52428800  # 50MB",
                "QUEUE_MAX_AGE=86400  # 24 hours",
                "STORAGE_TYPE=memory  # Or fast database",
                "DB_USER=\"gw # 1\"   # a quoted # stays",
                "",
                "[Service]",
                "Nice=-20",
                "LimitNOFILE=1048576",
                "PRAGMA journal_mode=WAL;",
                "net.core.somaxconn=65535",
                "ulimit -n 65536",
                "SMTP_MAX_RECIPIENS=10"));
        GatewayConfig c = GatewayConfig.load(Map.of("CONFIG_FILE", file.toString()), new Properties());
        assertThat(c.getLong("SMTP_MAX_MESSAGE_SIZE")).isEqualTo(52_428_800L);
        assertThat(c.duration("QUEUE_MAX_AGE")).hasHours(24);
        assertThat(c.storageTypes()).containsExactly("memory");
        assertThat(c.get("DB_USER")).isEqualTo("gw # 1");
        assertThat(c.notices()).filteredOn(ConfigNotice::warning).extracting(ConfigNotice::text)
                .anyMatch(t -> t.startsWith("smtp.env line 6 is a systemd unit section header"))
                .anyMatch(t -> t.startsWith("smtp.env line 7 is a systemd unit directive") && t.endsWith("ignored (key Nice)"))
                .anyMatch(t -> t.startsWith("smtp.env line 9 is SQLite advice, not a setting"))
                .anyMatch(t -> t.startsWith("smtp.env line 10 is a kernel setting"))
                .anyMatch(t -> t.startsWith("smtp.env line 11 is not a KEY=VALUE setting"))
                .contains("unknown key SMTP_MAX_RECIPIENS (CONFIG_FILE) ignored: did you mean SMTP_MAX_RECIPIENTS?")
                .noneMatch(t -> t.contains("-20") || t.contains("65535") || t.contains("65536"));
    }

    @Test
    void should_name_the_line_and_key_of_a_line_that_is_no_setting_but_never_its_value(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("smtp.env");
        Files.writeString(file, "DB_USER=gw\nDB_PASSWORD: hunter2-secret\nDbPassword=hunter3-secret\n");

        GatewayConfig c = GatewayConfig.load(Map.of("CONFIG_FILE", file.toString()), new Properties());

        assertThat(c.notices()).filteredOn(ConfigNotice::warning).extracting(ConfigNotice::text)
                .anyMatch(t -> t.startsWith("smtp.env line 2 is not a KEY=VALUE setting"))
                .anyMatch(t -> t.startsWith("smtp.env line 3 is a systemd unit directive") && t.endsWith("(key DbPassword)"));
        assertThat(c.notices().toString()).doesNotContain("hunter2", "hunter3");
    }

    @Test
    void should_drop_a_utf8_byte_order_mark_before_the_first_setting(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("smtp.env");
        Files.write(file, "\uFEFFSMTP_MAX_RECIPIENTS=7\nSMTP_MAX_ERRORS=3\n".getBytes(StandardCharsets.UTF_8));

        GatewayConfig c = GatewayConfig.load(Map.of("CONFIG_FILE", file.toString()), new Properties());

        assertThat(c.get("SMTP_MAX_RECIPIENTS")).as("notices: %s", c.notices()).isEqualTo("7");
        assertThat(c.get("SMTP_MAX_ERRORS")).isEqualTo("3");
    }

    @Test
    void should_refuse_an_unclosed_quote_naming_the_line(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("smtp.env");
        Files.writeString(file, "SMTP_PORT=2600\nDB_PASSWORD=\"hunter2-secret\n");
        assertThatThrownBy(() -> GatewayConfig.load(Map.of("CONFIG_FILE", file.toString()), new Properties()))
                .hasMessageStartingWith("CONFIG_FILE: smtp.env line 2 (DB_PASSWORD): the quote opened")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void should_take_the_guides_names_for_renamed_keys_and_say_so() {
        GatewayConfig c = GatewayConfig.load(Map.of("DNS_CACHE_TTL", "600", "DNS_CACHE_SIZE", "500", "SPF_CACHE_SIZE", "70",
                "DKIM_CACHE_SIZE", "80", "RELAY_CONNECTION_IDLE_TIMEOUT", "30", "QUEUE_PARALLEL_DELIVERY", "false",
                "METRICS_ENABLED", "false"), new Properties());
        assertThat(c.getLong("DNS_CACHE_MAX_TTL")).isEqualTo(600);
        assertThat(c.getInt("DNS_CACHE_MAX_ENTRIES")).isEqualTo(500);
        assertThat(c.getInt("SPF_CACHE_MAX_ENTRIES")).isEqualTo(70);
        assertThat(c.getInt("DKIM_CACHE_MAX_ENTRIES")).isEqualTo(80);
        assertThat(c.getLong("RELAY_CONNECTION_IDLE_TIME")).isEqualTo(30);
        assertThat(c.getInt("QUEUE_PARALLEL_WORKERS")).isEqualTo(1);
        assertThat(c.getInt("METRICS_PORT")).isEqualTo(-1);
        assertThat(c.source("DNS_CACHE_MAX_TTL")).isEqualTo("environment as DNS_CACHE_TTL");
        assertThat(c.notices()).extracting(ConfigNotice::text)
                .contains("DNS_CACHE_TTL=600 (the tuning guide's name, environment) read as DNS_CACHE_MAX_TTL=600");
        GatewayConfig off = GatewayConfig.load(Map.of("DNS_CACHE_SIZE", "500", "DNS_CACHE_ENABLED", "false"), new Properties());
        assertThat(off.getInt("DNS_CACHE_MAX_ENTRIES")).as("the cache turned off wins over its size").isZero();
        GatewayConfig on = GatewayConfig.load(Map.of("DNS_CACHE_ENABLED", "true", "METRICS_ENABLED", "true"), new Properties());
        assertThat(on.getInt("DNS_CACHE_MAX_ENTRIES")).isEqualTo(10_000);
        assertThat(on.getInt("METRICS_PORT")).isEqualTo(9090);
    }

    @Test
    void should_refuse_a_guide_switch_that_is_neither_true_nor_false_naming_the_key() {
        // 0, no, off used to be dropped silently, leaving /metrics or the DNS cache on.
        for (String key : List.of("METRICS_ENABLED", "DNS_CACHE_ENABLED")) {
            for (String value : List.of("0", "no", "off")) {
                assertThatThrownBy(() -> GatewayConfig.load(Map.of(key, value), new Properties()))
                        .isInstanceOf(ConfigException.class).hasMessageStartingWith(key + ":").hasMessageContaining("true or false");
            }
        }
        assertThat(GatewayConfig.load(Map.of("METRICS_ENABLED", "FALSE"), new Properties()).getInt("METRICS_PORT")).isEqualTo(-1);
    }

    @Test
    void should_let_our_name_win_over_the_guides_and_say_which_won(@TempDir Path dir) throws Exception {
        GatewayConfig same = GatewayConfig.load(Map.of("DNS_CACHE_TTL", "600", "DNS_CACHE_MAX_TTL", "300"), new Properties());
        assertThat(same.getLong("DNS_CACHE_MAX_TTL")).isEqualTo(300);
        assertThat(same.notices()).extracting(ConfigNotice::text)
                .contains("DNS_CACHE_TTL (the tuning guide's name) and DNS_CACHE_MAX_TTL are both set in environment: DNS_CACHE_MAX_TTL wins");
        Path file = dir.resolve("smtp.env");
        Files.writeString(file, "DNS_CACHE_TTL=600\n");
        GatewayConfig layered = GatewayConfig.load(Map.of("CONFIG_FILE", file.toString(), "DNS_CACHE_MAX_TTL", "300"), new Properties());
        assertThat(layered.getLong("DNS_CACHE_MAX_TTL")).isEqualTo(300);
        assertThat(layered.notices()).extracting(ConfigNotice::text)
                .contains("DNS_CACHE_TTL (the tuning guide's name, CONFIG_FILE) is overridden by DNS_CACHE_MAX_TTL from environment");
        GatewayConfig guideWins = GatewayConfig.load(Map.of("CONFIG_FILE", file.toString(), "DNS_CACHE_TTL", "900"), new Properties());
        assertThat(guideWins.getLong("DNS_CACHE_MAX_TTL")).isEqualTo(900);
    }

    @Test
    void should_build_the_database_url_from_the_guides_db_host_port_and_name() {
        GatewayConfig c = GatewayConfig.load(Map.of("DB_HOST", "db.internal", "DB_PORT", "6432", "DB_NAME", "mail"), new Properties());
        assertThat(c.get("DB_URL")).isEqualTo("jdbc:postgresql://db.internal:6432/mail");
        assertThat(GatewayConfig.load(Map.of("DB_HOST", "db.internal"), new Properties()).get("DB_URL"))
                .isEqualTo("jdbc:postgresql://db.internal:5432/mailgateway");
        assertThat(GatewayConfig.load(Map.of("DB_PORT", "6432"), new Properties()).get("DB_URL")).isEmpty();
    }

    @Test
    void should_read_storage_type_database_as_the_sql_store() {
        GatewayConfig c = GatewayConfig.load(Map.of("STORAGE_TYPE", "maildir,database"), new Properties());
        assertThat(c.storageTypes()).containsExactly("maildir", "sql");
        assertThat(c.notices()).extracting(ConfigNotice::text).contains("STORAGE_TYPE database (the tuning guide's name) is the sql store");
    }

    @Test
    void should_take_memory_or_redis_as_cache_backend_and_refuse_others() {
        assertThat(GatewayConfig.load(Map.of(), new Properties()).get("CACHE_BACKEND")).isEqualTo("memory");
        GatewayConfig redis = GatewayConfig.load(Map.of("CACHE_BACKEND", "redis", "REDIS_HOST", "redis.internal", "REDIS_PORT", "6380",
                "REDIS_DB", "2", "REDIS_PASSWORD", "s3cret"), new Properties());
        assertThat(redis.get("CACHE_BACKEND")).isEqualTo("redis");
        assertThat(io.mailgateway.policy.limits.redis.RedisSettings.from(redis))
                .isEqualTo(new io.mailgateway.policy.limits.redis.RedisSettings("redis.internal", 6380, 2, "s3cret", 2, java.time.Duration.ofMillis(500)));
        assertThatThrownBy(() -> GatewayConfig.load(Map.of("CACHE_BACKEND", "memcached"), new Properties()))
                .hasMessageStartingWith("CACHE_BACKEND: must be memory or redis");
        assertThatThrownBy(() -> GatewayConfig.load(Map.of("REDIS_PORT", "70000"), new Properties()))
                .hasMessageStartingWith("REDIS_PORT:");
    }
}
