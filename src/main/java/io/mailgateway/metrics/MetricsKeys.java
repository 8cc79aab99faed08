package io.mailgateway.metrics;

import static io.mailgateway.config.Setting.hostname;
import static io.mailgateway.config.Setting.integer;

import io.mailgateway.config.Setting;
import io.mailgateway.config.SettingGroup;
import java.util.List;

/**
 * Observability keys: where /metrics and the status endpoints listen. Both bind to loopback by
 * default, even when BIND_ADDRESS is public: queue depths and per-check counts are not for
 * the internet. Each key: default, meaning (copied into docs/configuration.md) and check.
 */
public final class MetricsKeys implements SettingGroup {

    @Override
    public List<Setting> settings() {
        return List.of(
                new Setting("METRICS_PORT", "9090",
                        "Port of the Prometheus text endpoint /metrics on METRICS_BIND_ADDRESS; 0 picks a free port, -1 turns it off.", integer(-1, 65535)),
                new Setting("METRICS_BIND_ADDRESS", "127.0.0.1",
                        "Address /metrics listens on; loopback unless Prometheus scrapes from another host.", hostname()),
                new Setting("HTTP_PORT", "8080",
                        "Port of /stats (JSON), /health (liveness), /ready (readiness) and the status page / on HTTP_BIND_ADDRESS; 0 picks a free port, -1 turns it off.", integer(-1, 65535)),
                new Setting("HTTP_BIND_ADDRESS", "127.0.0.1",
                        "Address the status endpoints listen on; loopback unless a load balancer's health check comes from another host.", hostname()));
    }
}
