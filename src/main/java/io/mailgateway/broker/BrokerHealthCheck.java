package io.mailgateway.broker;

import io.mailgateway.metrics.ReadinessCheck;
import java.util.Map;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * Readiness: the embedded broker is active. Every 250 is a durable write to it, so without it
 * the gateway can only answer 451. Bound as a bean, which camel-health's registry repository
 * picks up for /ready.
 */
public final class BrokerHealthCheck extends ReadinessCheck {

    private final EmbeddedBroker broker;

    public BrokerHealthCheck(EmbeddedBroker broker) {
        super("broker");
        this.broker = broker;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        ActiveMQServer server = broker.server();
        if (server != null && server.isActive()) {
            builder.up();
        } else {
            builder.message("embedded broker not active").down();
        }
    }
}
