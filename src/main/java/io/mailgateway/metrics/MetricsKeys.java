package io.mailgateway.metrics;

import static io.mailgateway.config.Setting.integer;

import io.mailgateway.config.Setting;
import io.mailgateway.config.SettingGroup;
import java.util.List;

/**
 * Metrics keys. Each key: default, meaning (copied into docs/configuration.md) and check.
 */
public final class MetricsKeys implements SettingGroup {

    @Override
    public List<Setting> settings() {
        return List.of(
                new Setting("METRICS_PORT", "9090",
                        "Port of the Prometheus text endpoint /metrics on BIND_ADDRESS; 0 picks a free port, -1 turns it off.", integer(-1, 65535)));
    }
}
