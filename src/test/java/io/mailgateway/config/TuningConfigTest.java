package io.mailgateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The tuning keys of the listener and the relay (TCP_KEEPALIVE_*, SOCKET_*_BUFFER,
 * PIPELINE_MAX_COMMANDS, QUEUE_ENABLED, BDAT_CHUNK_SIZE): defaults, and a startup error naming
 * the key for a value the kernel or the protocol could not honour.
 */
class TuningConfigTest {

    private static GatewayConfig load(String key, String value) {
        return GatewayConfig.load(Map.of(key, value), new Properties());
    }

    @Test
    void should_default_to_minute_keepalives_kernel_buffers_windows_of_100_a_queue_and_1_mib_chunks() {
        GatewayConfig c = GatewayConfig.load(Map.of(), new Properties());
        assertThat(c.getInt("TCP_KEEPALIVE_IDLE")).isEqualTo(60);
        assertThat(c.getInt("TCP_KEEPALIVE_INTERVAL")).isEqualTo(10);
        assertThat(c.getInt("TCP_KEEPALIVE_COUNT")).isEqualTo(6);
        assertThat(c.getInt("SOCKET_RECV_BUFFER")).isZero();
        assertThat(c.getInt("SOCKET_SEND_BUFFER")).isZero();
        assertThat(c.getInt("PIPELINE_MAX_COMMANDS")).isEqualTo(100);
        assertThat(c.getBoolean("QUEUE_ENABLED")).isTrue();
        assertThat(c.getInt("BDAT_CHUNK_SIZE")).isEqualTo(1 << 20);
    }

    @Test
    void should_name_the_key_of_an_invalid_tuning_value() {
        assertThatThrownBy(() -> load("TCP_KEEPALIVE_IDLE", "40000")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("TCP_KEEPALIVE_IDLE:");
        assertThatThrownBy(() -> load("TCP_KEEPALIVE_INTERVAL", "-1")).hasMessageStartingWith("TCP_KEEPALIVE_INTERVAL:");
        assertThatThrownBy(() -> load("TCP_KEEPALIVE_COUNT", "128")).hasMessageStartingWith("TCP_KEEPALIVE_COUNT:");
        assertThatThrownBy(() -> load("SOCKET_RECV_BUFFER", "100")).hasMessageStartingWith("SOCKET_RECV_BUFFER:")
                .hasMessageContaining("0 (the kernel's autotuning)");
        assertThatThrownBy(() -> load("SOCKET_SEND_BUFFER", "1m")).hasMessageStartingWith("SOCKET_SEND_BUFFER:");
        assertThatThrownBy(() -> load("PIPELINE_MAX_COMMANDS", "0")).hasMessageStartingWith("PIPELINE_MAX_COMMANDS:");
        assertThatThrownBy(() -> load("QUEUE_ENABLED", "no")).hasMessageStartingWith("QUEUE_ENABLED:");
        assertThatThrownBy(() -> load("BDAT_CHUNK_SIZE", "512")).hasMessageStartingWith("BDAT_CHUNK_SIZE:")
                .hasMessageContaining("0 (always DATA)");
        assertThat(load("SOCKET_RECV_BUFFER", "262144").getInt("SOCKET_RECV_BUFFER")).isEqualTo(262144);
        assertThat(load("BDAT_CHUNK_SIZE", "0").getInt("BDAT_CHUNK_SIZE")).isZero();
    }
}
