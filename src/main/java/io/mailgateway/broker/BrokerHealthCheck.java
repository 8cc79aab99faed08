package io.mailgateway.broker;

import java.util.Map;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness: the embedded broker is active. Every 250 is a durable write to it, so without it
 * the gateway can only answer 451. Bound as a bean, which camel-health's registry repository
 * picks up for /ready; not a liveness check (a restart would not bring a broken journal back).
 */
public final class BrokerHealthCheck extends AbstractHealthCheck {

    private final EmbeddedBroker broker;

    public BrokerHealthCheck(EmbeddedBroker broker) {
        super("gateway", "broker");
        this.broker = broker;
    }

    @Override
    public boolean isLiveness() {
        return false;
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
