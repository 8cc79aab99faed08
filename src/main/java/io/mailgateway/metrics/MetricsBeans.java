package io.mailgateway.metrics;

import io.mailgateway.config.Capability;
import io.mailgateway.config.Wiring;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** The one meter registry everything records into ("metricsRegistry"), served at /metrics by {@link MetricsServer}. */
public final class MetricsBeans implements Capability {

    @Override
    public void bind(Wiring wiring) {
        wiring.bind("metricsRegistry", new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }
}
