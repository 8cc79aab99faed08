package io.mailgateway.metrics;

import io.mailgateway.config.Capability;
import io.mailgateway.config.Wiring;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The one meter registry everything records into, bound as "metricsRegistry" (the name
 * camel-micrometer looks up), served at /metrics by {@link MetricsServer}; the JVM and process
 * meters, bound here and nowhere else ({@link JvmMetrics}); Camel's route and exchange meters
 * ({@link CamelMetrics}). The embedded broker gets the same registry from the composition root.
 */
public final class MetricsBeans implements Capability {

    @Override
    public void bind(Wiring wiring) {
        PrometheusMeterRegistry registry = wiring.bind("metricsRegistry", new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        wiring.closeOnStop(JvmMetrics.bind(registry));
        CamelMetrics.bind(wiring, registry);
    }
}
