package io.mailgateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The connection-policy keys: defaults that leave local clients alone, checks that name the key. */
class LimitsConfigTest {

    @Test
    void should_default_to_generous_limits_with_loopback_exempt_and_greylisting_off() {
        GatewayConfig c = GatewayConfig.load(Map.of(), new Properties());
        assertThat(c.getInt("MAX_CONNECTIONS")).isEqualTo(1000);
        assertThat(c.getInt("MAX_CONNECTIONS_PER_IP")).isEqualTo(20);
        assertThat(c.getBoolean("RATE_LIMIT_ENABLED")).isTrue();
        assertThat(c.get("RATE_LIMIT_WHITELIST")).isEqualTo("127.0.0.0/8,::1");
        assertThat(c.getBoolean("GREYLIST_ENABLED")).isFalse();
    }

    @Test
    void should_name_the_key_of_a_bad_limit() {
        assertThatThrownBy(() -> GatewayConfig.load(Map.of("RATE_LIMIT_WHITELIST", "10.0.0.0/8,mail.example.com"), new Properties()))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("RATE_LIMIT_WHITELIST:")
                .hasMessageContaining("'mail.example.com'");
        assertThatThrownBy(() -> GatewayConfig.load(Map.of("RATE_LIMIT_WHITELIST", "2001:db8::/200"), new Properties()))
                .hasMessageStartingWith("RATE_LIMIT_WHITELIST:");
        assertThatThrownBy(() -> GatewayConfig.load(Map.of("MAX_CONNECTIONS", "0"), new Properties()))
                .hasMessageStartingWith("MAX_CONNECTIONS:");
        assertThatThrownBy(() -> GatewayConfig.load(Map.of("RATE_LIMIT_PER_MINUTE", "fast"), new Properties()))
                .hasMessageStartingWith("RATE_LIMIT_PER_MINUTE:");
        assertThatThrownBy(() -> GatewayConfig.load(Map.of("GREYLIST_DELAY", "600", "GREYLIST_EXPIRY", "300"), new Properties()))
                .hasMessageStartingWith("GREYLIST_EXPIRY:");
        assertThat(GatewayConfig.load(Map.of("RATE_LIMIT_WHITELIST", ""), new Properties()).get("RATE_LIMIT_WHITELIST")).isEmpty();
    }

    @Test
    void should_believe_proxy_headers_from_this_host_only_by_default_and_name_a_bad_proxy_network() {
        assertThat(GatewayConfig.load(Map.of(), new Properties()).get("PROXY_TRUSTED_NETWORKS")).isEqualTo("127.0.0.0/8,::1/128");
        assertThat(GatewayConfig.load(Map.of("PROXY_TRUSTED_NETWORKS", "10.0.0.5,2001:db8::/64"), new Properties())
                .get("PROXY_TRUSTED_NETWORKS")).isEqualTo("10.0.0.5,2001:db8::/64");
        assertThatThrownBy(() -> GatewayConfig.load(Map.of("PROXY_TRUSTED_NETWORKS", "haproxy.internal"), new Properties()))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("PROXY_TRUSTED_NETWORKS:").hasMessageContaining("'haproxy.internal'");
        assertThatThrownBy(() -> GatewayConfig.load(Map.of("PROXY_TRUSTED_NETWORKS", " "), new Properties()))
                .hasMessageStartingWith("PROXY_TRUSTED_NETWORKS:");
    }
}
