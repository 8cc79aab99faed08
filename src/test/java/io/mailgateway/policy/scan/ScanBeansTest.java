package io.mailgateway.policy.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailgateway.config.ConfigException;
import io.mailgateway.config.GatewayConfig;
import io.mailgateway.config.Wiring;
import io.mailgateway.policy.camel.CheckStep;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The scan keys at startup: defaults bind both steps; bad values stop the start naming the key. */
class ScanBeansTest {

    @Test
    void should_bind_both_steps_with_the_defaults() throws Exception {
        Map<String, Object> registry = new HashMap<>();
        List<AutoCloseable> closeList = new ArrayList<>();
        Wiring wiring = new Wiring(GatewayConfig.load(Map.of(), new Properties()), registry::put, closeList::add);
        wiring.bind("metricsRegistry", new SimpleMeterRegistry());
        new ScanBeans().bind(wiring);
        assertThat(registry.get("spamCheck")).isInstanceOf(SpamColumns.class);
        assertThat(registry.get("virusCheck")).isInstanceOf(CheckStep.class);
        assertThat(closeList).hasSize(1);
        for (AutoCloseable c : closeList) {
            c.close();
        }
    }

    @Test
    void should_refuse_a_reject_threshold_not_above_the_threshold() {
        assertThatThrownBy(() -> bind(Map.of("SPAM_THRESHOLD", "8", "SPAM_REJECT_THRESHOLD", "8")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("SPAM_REJECT_THRESHOLD: must be above SPAM_THRESHOLD (8)");
        assertThatThrownBy(() -> bind(Map.of("SPAM_TIMEOUT", "0")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("SPAM_TIMEOUT:");
    }

    @Test
    void should_refuse_bad_values_of_each_key() {
        Map<String, String> bad = Map.of("SPAM_FAIL_ACTION", "drop", "VIRUS_FAIL_ACTION", "maybe", "RSPAMD_URL", "127.0.0.1:11333",
                "CLAMD_ADDRESS", "clamd", "SPAM_THRESHOLD", "high", "VIRUS_MAX_SIZE", "-1", "SCAN_BREAKER_FAILURES", "0",
                "VIRUS_TIMEOUT", "soon", "SPAM_CHECK_ENABLED", "yes");
        bad.forEach((key, value) -> assertThatThrownBy(() -> GatewayConfig.load(Map.of(key, value), new Properties()))
                .as(key).isInstanceOf(ConfigException.class).hasMessageStartingWith(key + ":"));
    }

    private static void bind(Map<String, String> env) {
        Map<String, String> all = new HashMap<>(env);
        Wiring wiring = new Wiring(GatewayConfig.load(all, new Properties()), (k, v) -> { }, c -> { });
        wiring.bind("metricsRegistry", new SimpleMeterRegistry());
        new ScanBeans().bind(wiring);
    }
}
