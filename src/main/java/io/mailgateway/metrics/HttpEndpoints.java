package io.mailgateway.metrics;

import io.mailgateway.config.GatewayConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's two HTTP listeners: /metrics ({@link MetricsServer}, METRICS_PORT) and the status
 * endpoints ({@link StatusServer}, HTTP_PORT), each off at -1, plus the {@code smtp_ready} gauge,
 * registered whatever HTTP_PORT is since alerts read it from /metrics, and the background
 * evaluation of readiness behind both ({@link Readiness}).
 *
 * <p>Lifecycle: {@link #start} before Camel starts (/health says 503 until it runs);
 * {@link #close} after Camel has stopped, so both answer while messages in flight finish.
 */
public final class HttpEndpoints implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpEndpoints.class);

    private MetricsServer metrics;
    private StatusServer status;
    private Readiness readiness;

    private HttpEndpoints() {
    }

    public static HttpEndpoints start(GatewayConfig config, PrometheusMeterRegistry registry, Supplier<CamelContext> context)
            throws IOException {
        HttpEndpoints http = new HttpEndpoints();
        try {
            int metricsPort = config.getInt("METRICS_PORT");
            if (metricsPort >= 0) {
                http.metrics = MetricsServer.start(config.get("METRICS_BIND_ADDRESS"), metricsPort, registry);
                LOG.info("metrics on http://{}:{}/metrics", config.get("METRICS_BIND_ADDRESS"), http.metrics.port());
            }
            http.readiness = new Readiness(context).registerGauge(registry).start();
            Readiness readiness = http.readiness;
            int httpPort = config.getInt("HTTP_PORT");
            if (httpPort >= 0) {
                http.status = StatusServer.start(config.get("HTTP_BIND_ADDRESS"), httpPort, registry, readiness, context);
                LOG.info("status page on http://{}:{}/ (also /stats, /health, /ready)", config.get("HTTP_BIND_ADDRESS"),
                        http.status.port());
            }
            return http;
        } catch (IOException | RuntimeException e) {
            // HTTP_PORT taken: /metrics, already listening, must not outlive the failed start.
            http.close();
            throw e;
        }
    }

    /** The port of /metrics, or -1 when METRICS_PORT=-1. */
    public int metricsPort() {
        return metrics == null ? -1 : metrics.port();
    }

    /** The port of the status endpoints, or -1 when HTTP_PORT=-1. */
    public int httpPort() {
        return status == null ? -1 : status.port();
    }

    @Override
    public void close() {
        if (metrics != null) {
            metrics.close();
            metrics = null;
        }
        if (status != null) {
            status.close();
            status = null;
        }
        if (readiness != null) {
            readiness.close();
            readiness = null;
        }
    }
}
